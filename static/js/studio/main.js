// The studio page: wires the room (socket + pure RoomClient), the <piano-roll>, undo, audio, the track
// list, the dialogs and the AI panel. Journey of a drawn note: roll `intent` -> ops -> room.localEdit
// (optimistic) -> socket `op` -> server commits -> `ack` + `event` -> room.handle -> render.
import { noteAdd } from "../core/ops.js";
import { RoomClient } from "../core/room.js";
import { lockedTracks, opsTouchRegion } from "../core/rules.js";
import { scalePitchClasses, tonicOf } from "../core/scale.js";
import { UndoStack } from "../core/undo.js";
import { barTicks, gridTicks } from "../core/ticks.js";
import { actionFor, keyLabel, SHORTCUTS } from "../keymap.js";
import { RoomSocket, TOO_SLOW } from "../net/socket.js";
import "../roll/piano-roll.js";
import { AiPanel } from "./ai-panel.js";
import { Audio } from "./audio.js";
import { setupBarMenu } from "./bar-menu.js";
import { setupChordLane } from "./chord-lane.js";
import { setupChordOptions } from "./chord-options.js";
import { setupEditing } from "./editing.js";
import { setupFiles } from "./files.js";
import { setupHarmonizeOffer } from "./harmonize-offer.js";
import { setupNotationPane } from "./notation-pane.js";
import { setupPicture } from "./picture.js";
import { setupRecording } from "./recording.js";
import { setupSettingsDialog } from "./settings-dialog.js";
import { setupShareDialog } from "./share-dialog.js";
import { say } from "./status.js";
import { setupTrackDialog } from "./track-dialog.js";
import { TracksPanel } from "./tracks-panel.js";
import { renderView } from "./view.js";

const script = document.getElementById("studio-script");
const $ = (id) => document.getElementById(id);
const roll = $("roll");
const rollStatus = $("roll-status");

const studio = {
  pieceId: Number(script.dataset.piece), me: Number(script.dataset.me), role: script.dataset.role,
  room: new RoomClient(), members: [], present: new Set(), jobsRunning: new Map(), clipboard: [],
  send(message) { socket.send(message); },
  view: () => studio.room.view,
  activeTrack: () => tracksPanel.active,
  locked: () => (studio.room.view ? lockedTracks(studio.room.view, studio.role, studio.me) : new Set()),
  trackName: (id) => studio.room.view?.tracks.find((t) => t.id === id)?.name ?? id,
  canEdit: () => editing.mayEdit(),
  preview: (pitch, track) => audio.preview(pitch, track),
  region(operation) {
    const bars = roll.bars ?? defaultBars(operation);
    return bars ? { tracks: tracksPanel.aiTracks(operation), bars } : null;
  },
  showGhosts(ghosts) { roll.ghosts = ghosts; roll.render(); chordLane.showGhosts(ghosts); },
  hear(notes, bars, tracks, chords) { audio.hearCandidate(notes, bars, tracks, chords); },
  onChange() { render(); },
  sendPresence,
};
studio.undo = new UndoStack({ actor: { kind: "user", id: studio.me } });

const socket = new RoomSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/pieces/${studio.pieceId}/`, {
  onOpen() {
    setConnection("online");
    for (const message of studio.room.reconnected()) socket.send(message);
  },
  onClose(code) {
    setConnection("offline");
    if (code === TOO_SLOW) say(rollStatus, "The connection could not keep up with the room; catching up…");
  },
  onMessage(message) { receive(message); },
});
const tracksPanel = new TracksPanel({ ...studio, edit: (...a) => editing.edit(...a), canEdit: () => studio.canEdit() });
const editing = setupEditing({ studio, socket, roll, render, rollStatus, locked: studio.locked });
const edit = editing.edit;
const ai = new AiPanel(studio);
const audio = new Audio(() => ({ state: studio.room.view, tracks: tracksPanel }));
audio.onPlayhead = (tick) => {
  roll.playhead = tick;
  if (tick != null && audio.playing && $("follow").checked) roll.follow(tick);
  roll.render();
  sendPresence({ playhead: tick == null ? null : Math.round(tick) });
};
audio.onSounding = (track) => tracksPanel.sounding(track);
audio.onPlaying = (playing) => {
  picture.playing(playing);
  $("play").textContent = playing ? "■ Stop" : "▶ Play";
  $("play").setAttribute("aria-pressed", String(playing));
};
const chordOptions = setupChordOptions({ pieceId: studio.pieceId, audio, onToggle: () => roll.render() });
const chordLane = setupChordLane({ roll, view: studio.view, edit, mayEdit: () => editing.mayEdit(), members: () => studio.members,
  rhythm: chordOptions.rhythm });
const notation = setupNotationPane({ studio, roll, setSelection: (ids) => editing.setSelection(ids) });
const barMenu = setupBarMenu({ roll, view: studio.view, edit, status: rollStatus });
const share = setupShareDialog({ ...studio, role: () => studio.role, members: () => studio.members, present: () => studio.present });
const offer = setupHarmonizeOffer({ view: studio.view, canEdit: () => canEditQuietly(), edit,
  ask: (operation, tracks, bars) => ai.ask(operation, tracks, bars), selectedBars: () => roll.bars,
  maxBars: () => ai.capabilities?.limits.max_region_bars ?? 32 });
setupSettingsDialog({ view: studio.view, role: () => studio.role, edit, canEdit: () => canEditQuietly(),
  models: () => ai.models.names() });
setupTrackDialog({ edit, canEdit: () => studio.canEdit(), tracks: tracksPanel, onChange: render,
  preview: (pitch, program, channel) => audio.sound(pitch, { program, channel }) });
const canEditQuietly = () => ["owner", "editor"].includes(studio.role);
const picture = setupPicture({ pieceId: studio.pieceId, view: studio.view, role: () => studio.role, edit,
  canEdit: canEditQuietly, roll, audio, rollStatus });

/** With no bars selected: harmonize the melody's bars, continue after the last note. */
function defaultBars(operation) {
  const state = studio.room.view;
  const notes = Object.values(state?.notes ?? {});
  if (!notes.length || !["harmonize", "continue"].includes(operation)) return null;
  const bar = barTicks(state.piece.time_signature);
  const last = Math.ceil(Math.max(...notes.map((n) => n.start + n.duration)) / bar);
  if (operation === "continue") return [last, last + 4];
  return [Math.floor(Math.min(...notes.map((n) => n.start)) / bar), Math.min(last, state.piece.bars)];
}

/** Do what the RoomClient answers: send now, retry later, check a gap later, say what was refused. */
function follow(result) {
  for (const out of result.send) socket.send(out);
  for (const refused of result.rejected) editing.refused(refused);
  if (result.retry) setTimeout(() => result.retry.send.forEach((m) => socket.send(m)), result.retry.afterMs);
  if (result.checkAfterMs) setTimeout(() => { follow(studio.room.tick()); render(); }, result.checkAfterMs);
  for (const { event, before } of result.applied ?? []) markStaleProposals(event, before);
  if (result.error) ai.handle(result.error);
}

function receive(message) {
  follow(studio.room.handle(message));
  switch (message.type) {
    case "welcome":
      Object.assign(studio, { members: message.members, present: new Set(message.present), role: message.you.role });
      picture.welcome();
      break;
    case "present":  // who arrived and left lately, gathered into one notice (arrivals.py)
      studio.present = new Set(message.present);
      for (const member of message.joined) {
        if (!studio.members.some((m) => m.id === member.id)) studio.members.push(member);
      }
      for (const id of message.left) delete roll.remote[id];
      break;
    case "members": Object.assign(studio, { members: message.members, role: message.you.role }); break;
    case "presence": roll.remote[message.user] = { ...roll.remote[message.user], ...message }; break;
    case "job":
      if (["queued", "running"].includes(message.status)) studio.jobsRunning.set(message.job_id, message);
      else studio.jobsRunning.delete(message.job_id);
      ai.handle(message);
      break;
    case "proposal": ai.handle(message); break;
    case "decided": ai.decided(message); break;
    case "video": picture.handle(message); break;
  }
  render();
}

/** A committed event that touched a proposal's region makes it stale (the server's rule, rules.js). */
function markStaleProposals(event, before) {
  for (const [jobId, proposal] of ai.proposals) {
    if (event.seq > proposal.base_seq && opsTouchRegion(before, event.ops,
      { tracks: proposal.tracks, bars: proposal.bars })) ai.markStale(jobId);
  }
}

// -- what the roll, the keys and the buttons do -----------------------------------------------------

roll.addEventListener("intent", (event) => {
  const d = event.detail;
  switch (d.kind) {
    case "add": {
      const note = noteAdd(d.note);
      if (edit([note])) editing.setSelection(new Set([note.id]));
      break;
    }
    case "update": edit(d.changes.map(({ id, ...changes }) => ({ op: "note.update", id, ...changes })), { merge: d.merge }); break;
    case "delete": edit(d.ids.filter((id) => studio.room.view.notes[id]).map((id) => ({ op: "note.delete", id }))); break;
    case "select": editing.setSelection(d.ids); break;
    case "bars": roll.bars = d.range; render(); break;
    case "bar-menu": if (editing.mayEdit()) barMenu.openAt(d.bar, d.x, d.y); break;
    case "preview": audio.preview(d.pitch, d.track); break;
    case "cursor": sendPresence({ cursor: { tick: d.tick, pitch: Math.max(0, Math.min(127, d.pitch)) } }); break;
    case "hover": showCard(d); break;
    case "refused": if (editing.mayEdit()) say(rollStatus, d.reason, { error: true }); break;
  }
});

/** Fit the piece across and its tracks' ranges (at least an octave and a half) top to bottom. */
function fitView() {
  const ranges = studio.room.view.tracks.filter((t) => t.channel !== 9).map((t) => t.pitch_range ?? [48, 72]);
  roll.fit({ low: Math.max(21, Math.min(60, ...ranges.map((r) => r[0]))),
    high: Math.min(108, Math.max(72, ...ranges.map((r) => r[1]))) });
}

const ACTIONS = {
  ...editing.actions,
  "play-toggle": () => (audio.playing ? audio.stop() : audio.play(roll.playhead ?? 0)),
  stop: () => { audio.stop(); roll.playhead = roll.bars ? roll.bars[0] * roll.barTicks() : 0; },
  "loop-toggle": () => { audio.toggleLoop(roll.bars); $("loop").setAttribute("aria-pressed", String(!!audio.loopBars)); },
  "tool-draw": () => setTool("draw"), "tool-select": () => setTool("select"),
  "select-none": () => { editing.setSelection(new Set()); ai.close(); },
  "bars-insert-before": () => editing.mayEdit() && barMenu.insertBefore(),
  "bars-insert-after": () => editing.mayEdit() && barMenu.insertAfter(),
  "bars-delete": () => editing.mayEdit() && barMenu.deleteBars(),
  "bar-menu": () => editing.mayEdit() && barMenu.openForKeyboard(),
  "zoom-in": () => roll.zoomTime(1.25), "zoom-out": () => roll.zoomTime(0.8),
  "rows-larger": () => roll.zoomRows(1), "rows-smaller": () => roll.zoomRows(-1), "zoom-fit": fitView,
  "ai-open": () => $("ai-ask").focus(),
  "chord-type": () => { chordOptions.show(true); chordLane.typeAtPlayhead(); },
  "candidate-next": () => ai.step(1), "candidate-previous": () => ai.step(-1),
  "candidate-accept": () => ai.decide(true), "candidate-reject": () => ai.decide(false),
  "candidate-regenerate": () => ai.regenerate(), "candidate-play": () => ai.hear(),
  help: () => $("help").showModal(),
  "record-step": () => recording.toggleStep(),
};
const recording = setupRecording({ roll, audio, tracks: tracksPanel, edit: (ops) => edit(ops), flash: (t) => say(rollStatus, t) });
setupFiles({ pieceId: studio.pieceId, roll, seq: () => studio.room.seq, flash: (t) => say(rollStatus, t, { ms: 10000 }),
  exporters: { wav: () => picture.wav() } });

function setTool(tool) {
  roll.tool = tool;
  $("tool-draw").setAttribute("aria-pressed", String(tool === "draw"));
  $("tool-select").setAttribute("aria-pressed", String(tool === "select"));
}

document.addEventListener("keydown", (event) => {
  const action = actionFor(event);
  if (!action || !ACTIONS[action]) return;
  event.preventDefault();
  ACTIONS[action]();
});
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (button && ACTIONS[button.dataset.action]) ACTIONS[button.dataset.action]();
  const close = event.target.closest("dialog [data-close]");
  if (close) close.closest("dialog").close();
});
$("open-files").addEventListener("click", () => $("files-dialog").showModal());
$("grid").addEventListener("change", (e) => { roll.grid = gridTicks(e.target.value); roll.render(); });
$("filter").addEventListener("change", (e) => { roll.filter = e.target.value; roll.render(); });
$("colour-by").addEventListener("change", (e) => { roll.colourBy = e.target.value; roll.render(); });
$("scale-snap").addEventListener("change", (e) => { roll.snapScale = e.target.checked; });
$("metronome").addEventListener("change", (e) => { audio.metronome = e.target.checked; });
$("count-in").addEventListener("change", (e) => { audio.countIn = e.target.checked; });
$("ai-operation").addEventListener("change", () => render());
$("help-table").innerHTML = SHORTCUTS.map((s) => `<tr><td><kbd>${keyLabel(s)}</kbd></td><td>${s.label}</td></tr>`).join("");
roll.grid = gridTicks($("grid").value);

// -- presence and rendering -----------------------------------------------------------------------

let presenceTimer = null;
let presencePending = {};
function sendPresence(fields) {
  // At most 10 a second, the server's limit: coalesce and send the latest.
  Object.assign(presencePending, fields);
  if (presenceTimer) return;
  presenceTimer = setTimeout(() => {
    socket.send({ type: "presence", ...presencePending });
    presencePending = {};
    presenceTimer = null;
  }, 120);
}

function showCard(d) { renderView.card(studio, d); }

function render() {
  const state = studio.room.view;
  if (!state) return;
  const locked = studio.locked();
  tracksPanel.render(state, { members: studio.members, locked, isOwner: studio.role === "owner", operation: ai.operation() });
  Object.assign(roll, { state, me: studio.me, locked, activeTrack: tracksPanel.active,
    colours: Object.fromEntries(studio.members.map((m) => [m.id, m.colour])),
    trackColours: Object.fromEntries(state.tracks.map((t) => [t.id, t.colour])),
    scale: scalePitchClasses(state.piece.key), tonic: tonicOf(state.piece.key) });
  if (!render.fitted) { render.fitted = true; fitView(); } // the first view: the whole piece, its tracks' ranges
  if (render.active !== tracksPanel.active) { // a newly picked track's range comes into view
    render.active = tracksPanel.active;
    const range = state.tracks.find((t) => t.id === render.active)?.pitch_range;
    if (range && render.fitted) roll.revealPitch(Math.round((range[0] + range[1]) / 2));
  }
  chordOptions.update(state);
  roll.render(); // the chord lane follows the roll's redraw
  notation.update();
  renderView.page(studio, { roll, undo: studio.undo, region: studio.region(ai.operation()), aiOperation: ai.operation() });
  offer.render(state);
  picture.render(state);
  share.render();
  ai.models.render(state.piece);
  ai.showCues(state);
}

function setConnection(status) {
  $("connection").textContent = status;
  $("connection").className = status;
}

studio.audio = audio;
studio.ai = ai;
studio.tracks = tracksPanel;
studio.notation = notation;
studio.picture = picture;
window.studio = studio; // for the browser tests and the curious
