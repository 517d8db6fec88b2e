// Scoring to picture in the page (docs/picture.md): the picture lane over the roll, the Picture dialog (cues,
// timecode, tempo map, fit to cues), the video pane with its scene-cut suggestions, and the WAV render.
// main.js calls render() on every room update, playhead() as the transport moves, playing() as it starts
// and stops, and handle() with the room's `video` messages.
import { renderWav } from "../audio/render.js";
import { cueAdd, cueUpdate } from "../core/ops.js";
import { formatUs } from "../core/timecode.js";
import { setupFitPanel } from "./fit-panel.js";
import { setupPictureDialog } from "./picture-dialog.js";
import { LANE_HEIGHT, PictureLane } from "./picture-lane.js";
import { CUT_STEP_S, findCuts } from "./scene-cuts.js";
import { say } from "./status.js";
import { VideoPanel } from "./video-panel.js";

const $ = (id) => document.getElementById(id);

async function send(url, method, body, headers = {}) {
  const csrf = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] ?? "";
  const response = await fetch(url, { method, body, credentials: "same-origin", headers: { "X-CSRFToken": csrf, ...headers } });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.error?.message ?? `the server answered ${response.status}`);
  return answer;
}

/**
 * @param {{pieceId: number, view: () => object, role: () => string, edit: Function, canEdit: () => boolean,
 *   roll: HTMLElement, audio: object, rollStatus: HTMLElement}} studio
 */
export function setupPicture(studio) {
  const { roll, audio } = studio;
  const playhead = () => roll.playhead ?? 0;
  const seek = (tick) => {
    roll.playhead = tick;
    if (audio.playing) audio.play(tick);
    roll.render();
    video.showFrame(tick);
  };
  const video = new VideoPanel({ view: studio.view, audio, playhead, seek });
  const dialog = setupPictureDialog({ ...studio, playhead });
  setupFitPanel(studio);
  const outStatus = $("pic-out-status");
  let proposals = []; // scene cuts suggested here and not yet accepted or rejected: {time_us}
  const lane = new PictureLane({
    canvas: $("picture-lane"), roll, tip: $("picture-tip"), view: studio.view, mayEdit: studio.canEdit, seek,
    proposals: () => proposals,
    moveCue: (cue, us) => studio.edit([cueUpdate(cue.id, { time_us: us })]),
    addCue: (us) => studio.edit([cueAdd({ time_us: us, kind: "hit", label: "" })],
      { done: `Cue added at ${formatUs(us, studio.view().piece.fps)}.` }),
    openCue: (cue) => dialog.openCue(cue),
    editTempo: (flag) => dialog.openTempo(flag.bar),
  });
  $("picture-lane").style.height = `${LANE_HEIGHT}px`;

  const showLane = $("show-picture"); // a toggle in the roll bar, as Chords and Score are
  const setLane = (on) => {
    showLane.setAttribute("aria-pressed", String(on));
    $("picture-lane").hidden = !on;
    lane.draw();
    roll.render();
  };
  showLane.addEventListener("click", () => setLane(showLane.getAttribute("aria-pressed") !== "true"));
  $("open-picture").addEventListener("click", () => dialog.open());

  // The video: the owner attaches or removes it over HTTP; the room's `video` message shows it to everyone.
  async function loadVideo() {
    const { video: info } = await send(`/api/pieces/${studio.pieceId}/video/`, "GET").catch(() => ({ video: null }));
    showVideo(info);
  }
  function showVideo(info) {
    video.show(info);
    audio.playToEnd = !!info; // with a picture, the music plays on to the last bar even where it is silent
    if (info && showLane.getAttribute("aria-pressed") !== "true") setLane(true);
    for (const el of document.querySelectorAll(".picture-dialog .owner-only")) el.hidden = studio.role() !== "owner";
    $("pic-video-remove").disabled = !info;
    roll.render();
  }
  $("pic-video-attach").addEventListener("click", () => $("pic-video-file").click());
  $("pic-video-file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    event.target.value = "";
    if (!file) return;
    say(outStatus, `Sending ${file.name} (${(file.size / 1048576).toFixed(1)} MiB)…`, { ms: 0 });
    try {
      await send(`/api/pieces/${studio.pieceId}/video/`, "POST", file,
        { "Content-Type": file.type || "application/octet-stream", "X-File-Name": encodeURIComponent(file.name) });
      say(outStatus, `${file.name} is the piece's video now.`);
    } catch (error) {
      say(outStatus, error.message, { error: true });
    }
  });
  $("pic-video-remove").addEventListener("click", async () => {
    try {
      await send(`/api/pieces/${studio.pieceId}/video/`, "DELETE");
      say(outStatus, "The video was removed.");
    } catch (error) {
      say(outStatus, error.message, { error: true });
    }
  });

  // Scene cuts: suggestions to accept (cue.add) or reject, shown dashed on the lane until then.
  const list = $("picture-proposals");
  const paneStatus = $("picture-status");
  function showProposals() {
    const fps = studio.view()?.piece.fps ?? "25";
    list.innerHTML = proposals.map((p, i) => `<li>Cut at ${formatUs(p.time_us, fps)}
      <button type="button" class="small" data-accept="${i}">Accept</button>
      <button type="button" class="secondary small" data-reject="${i}">Reject</button></li>`).join("")
      + (proposals.length > 1 ? `<li><button type="button" class="small" data-accept="all">Accept all ${proposals.length}</button></li>` : "");
    lane.draw();
  }
  list.addEventListener("click", (event) => {
    const accept = event.target.closest("[data-accept]")?.dataset.accept;
    const reject = event.target.closest("[data-reject]")?.dataset.reject;
    if (accept !== undefined) {
      const chosen = accept === "all" ? proposals : [proposals[Number(accept)]];
      const ops = chosen.map((p) => cueAdd({ time_us: p.time_us, kind: "hit", label: "cut" }));
      if (studio.edit(ops, { status: paneStatus, done: `${ops.length} cue${ops.length > 1 ? "s" : ""} added.` })) {
        proposals = proposals.filter((p) => !chosen.includes(p));
      }
    } else if (reject !== undefined) proposals.splice(Number(reject), 1);
    showProposals();
  });
  $("picture-cuts").addEventListener("click", async () => {
    if (!video.info) return;
    const button = $("picture-cuts");
    button.disabled = true;
    const fps = studio.view().piece.fps;
    const frameS = fps === "24" ? 1 / 24 : fps === "25" ? 1 / 25 : 1 / 30;
    try {
      const cuts = await findCuts(video.info.url, { frameS,
        onProgress: (done) => say(paneStatus, `Comparing frames… ${Math.round(done * 100)} %`, { ms: 0 }) });
      // A cut found again is the cue it was accepted as (label "cut") when less than one scan step
      // from it: when the browser's seeking is off (a recorded WebM on a busy machine) two scans place
      // one cut anywhere in its step, more than half a step apart at times, while the cuts one scan
      // tells apart are more than two steps apart (sceneCuts keeps 0.5 s between them). Any other
      // cue (a sheet's hit, say) is that cut only on the same frame: it marks music, maybe near a cut.
      const cues = Object.values(studio.view().cues);
      const near = (us, label, within) => cues.some((c) => (c.label === "cut") === label && Math.abs(c.time_us - us) < within);
      const isCue = (us) => near(us, true, CUT_STEP_S * 1e6) || near(us, false, frameS * 1e6 / 2);
      proposals = cuts.map((c) => ({ time_us: Math.round(c.time * 1e6) })).filter((p) => !isCue(p.time_us));
      // A cut that is a cue already is not proposed again, but it was found: say so, not "No cuts found".
      const already = cuts.length - proposals.length;
      say(paneStatus, proposals.length ? `${proposals.length} cuts found: accept the ones you want as cues.`
        + (already ? ` ${already} more ${already > 1 ? "are cues" : "is a cue"} already.` : "")
        : already ? `${already} cut${already > 1 ? "s" : ""} found, each a cue already.` : "No cuts found.");
      showProposals();
    } catch (error) {
      say(paneStatus, error.message, { error: true });
    } finally {
      button.disabled = false;
    }
  });

  // Sound out: the piece rendered here with the SoundFont, downloaded as a WAV file.
  async function wav() {
    say(outStatus, "Rendering…", { ms: 0 });
    say(studio.rollStatus, "Rendering the piece as WAV…", { ms: 0 });
    try {
      const piece = studio.view().piece;
      const start = formatUs(piece.start_offset_us, piece.fps);
      const { blob, seconds, instrument } = await renderWav(audio.material(),
        { startUs: piece.start_offset_us, description: `${piece.title}: bar 1 at ${start} (${piece.fps} fps)` });
      const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob),
        download: `${studio.view().piece.title.replace(/[^\w-]+/g, "-").slice(0, 60) || "piece"}.wav` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
      const done = `WAV ready: ${seconds.toFixed(1)} s, ${instrument}; it starts at bar 1, ${start} (stamped in the file).`;
      say(outStatus, done);
      say(studio.rollStatus, done);
    } catch (error) {
      say(outStatus, `No WAV: ${error.message}`, { error: true });
      say(studio.rollStatus, `No WAV: ${error.message}`, { error: true });
    }
  }
  $("pic-wav").addEventListener("click", wav);

  let shownLane = false;
  return {
    video, lane, wav,
    proposals: () => proposals,
    welcome: () => loadVideo(),
    handle(message) { if (message.type === "video") showVideo(message.video); },
    render(state) {
      if (!shownLane && (Object.keys(state.cues).length || state.piece.start_offset_us || state.tempo_changes.length)) {
        shownLane = true; // a piece scored to picture opens with its lane
        setLane(true);
      }
      dialog.render();
      lane.draw();
      video.showFrame(playhead()); // stopped: the frame at the playhead (playing: the video follows by itself)
      video.fitSlider(); // a video whose file gives no duration (a recorded WebM) ends where the piece does, which edits move
    },
    playing(on) { video.playing(on); },
  };
}
