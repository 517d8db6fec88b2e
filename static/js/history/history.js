// The history page of one piece: the timeline (filterable by who and what), a scrubber that shows the
// read-only piano roll exactly as it was at any seq (and plays it), a diff between two points, the
// piece's analytics as charts, and "Regenerate exactly" on proposals.
// Every number shown comes from the server (composer_ui/research): this page only reads and draws.
import { barTicks } from "../core/ticks.js";
import { Audio } from "../studio/audio.js";
import { escapeHtml } from "../shared/html.js";
import { showNoteCard } from "../studio/people.js";
import "../roll/piano-roll.js";
import { actorIndex, rollColours } from "./actors.js";
import { analyticsHtml } from "./analytics.js";
import { getJson, pageConfig, postJson } from "./api.js";
import { diffSummary, groupDiff } from "./diff.js";
import { clampSeq, StateLoader } from "./scrub.js";
import { currentEntry, reproduceUrl, reproduceVerdict } from "./timeline.js";
import { TimelineView } from "./timeline-view.js";

const $ = (id) => document.getElementById(id);
const script = $("history-script");
const api = pageConfig("history-api");
const head = Number(script.dataset.head);
const roll = $("roll");
const scrubber = $("scrubber");
// Entries of these kinds change the notes; clicking one also shows what it changed (seq - 1 -> seq).
const CHANGES_NOTES = new Set(["create", "edit", "import", "undo", "redo", "accept"]);

const page = { actors: actorIndex([]), history: null, seq: head, state: null };
const loader = new StateLoader((seq) => getJson(`${api.state}?seq=${seq}`));
const audio = new Audio(() => ({ state: page.state, tracks: { audible: () => true } }));
audio.onPlayhead = (tick) => {
  roll.playhead = tick;
  roll.render();
  if (tick === null) $("play").textContent = "▶ Play from here";
};

const timeline = new TimelineView(
  { list: $("timeline"), actorFilter: $("actor-filter"), kindFilter: $("kind-filter"), count: $("timeline-count") },
  {
    onJump(entry) {
      scrubTo(entry.seq);
      if (CHANGES_NOTES.has(entry.kind) && entry.seq > 0) compare(entry.seq - 1, entry.seq);
    },
    onReproduce: reproduce,
  },
);

// -- scrubbing --------------------------------------------------------------------------------------

/** Show the piece as it was at `seq`: slider, caption and timeline at once, the roll when its state arrives. */
async function scrubTo(value) {
  const seq = clampSeq(value, head);
  page.seq = seq;
  scrubber.value = String(seq);
  $("scrub-seq").textContent = String(seq);
  timeline.mark(seq);
  const entry = page.history && currentEntry(page.history.entries, seq);
  $("scrub-caption").textContent = entry ? `After #${entry.seq}: ${page.actors.name(entry.actor)} — ${entry.summary}` : "";
  status("loading…");
  let answer;
  try {
    answer = await loader.load(seq);
  } catch (error) {
    return status(error.message);
  }
  if (!answer) return; // a newer scrub is on its way
  showState(answer.seq, answer.state);
  status("");
}

function showState(seq, state) {
  page.state = state;
  const tracks = state.tracks.map((t) => t.id);
  Object.assign(roll, { state, colours: rollColours(page.actors.all), me: null,
    trackColours: Object.fromEntries(state.tracks.map((t) => [t.id, t.colour])),
    activeTrack: roll.activeTrack && tracks.includes(roll.activeTrack) ? roll.activeTrack : tracks[0] ?? null });
  roll.dataset.seq = String(seq);
  roll.dataset.notes = String(Object.keys(state.notes).length);
  $("note-count").textContent = `${Object.keys(state.notes).length} notes in ${state.tracks.length} tracks`;
  roll.render();
}

function status(text) { $("scrub-status").textContent = text; }

scrubber.addEventListener("input", () => scrubTo(scrubber.value));
$("step-back").addEventListener("click", () => scrubTo(page.seq - 1));
$("step-forward").addEventListener("click", () => scrubTo(page.seq + 1));

// The roll is read-only here: it refuses edit gestures, and only looking intents are followed.
roll.readOnly = true;
roll.tool = "select";
roll.colourBy = "author"; // a history is about who wrote what
roll.addEventListener("intent", (event) => {
  const d = event.detail;
  if (d.kind === "bars") { roll.bars = d.range; roll.render(); }
  if (d.kind === "preview" && page.state) audio.preview(d.pitch, d.track);
  if (d.kind === "hover") {
    showNoteCard($("note-card"), d.note, d.x, d.y, members(), (id) => page.state?.tracks.find((t) => t.id === id)?.name ?? id);
  }
});

const members = () => page.actors.all.filter((a) => a.kind === "user")
  .map((a) => ({ id: Number(a.key.split(":")[1]), name: a.name, colour: a.colour }));

$("play").addEventListener("click", () => {
  if (!page.state) return;
  if (audio.playing) {
    audio.stop();
    roll.playhead = null;
    roll.render();
    $("play").textContent = "▶ Play from here";
    return;
  }
  const from = roll.bars ? roll.bars[0] * barTicks(page.state.piece.time_signature) : 0;
  audio.play(from);
  $("play").textContent = "■ Stop";
});

// -- diff -------------------------------------------------------------------------------------------

async function compare(from, to) {
  $("diff-from").value = String(from);
  $("diff-to").value = String(to);
  const result = $("diff-result");
  $("diff-summary").textContent = "comparing…";
  let diff;
  try {
    diff = await getJson(`${api.diff}?from=${from}&to=${to}`);
  } catch (error) {
    $("diff-summary").textContent = error.message;
    result.innerHTML = "";
    return;
  }
  const context = { piece: page.state?.piece, tracks: page.state?.tracks ?? [], name: page.actors.name };
  const groups = groupDiff(diff, context);
  const totals = { added: diff.added.length, removed: diff.removed.length, changed: diff.changed.length };
  $("diff-summary").textContent = `From edit ${diff.from} to edit ${diff.to}: ${diffSummary(totals)}`;
  result.innerHTML = groups.map((g) => {
    const actor = page.actors.get(g.actor);
    return `<details class="diff-group" style="--actor:${actor.colour}" data-actor="${escapeHtml(g.actor)}" open>
      <summary><span class="swatch"></span><strong>${escapeHtml(actor.name)}</strong> ${escapeHtml(diffSummary(g))}</summary>
      <ul>${g.items.map((i) => `<li class="${i.change}"><span class="tag">${i.change}</span> ${escapeHtml(i.text)}</li>`).join("")}</ul>
    </details>`;
  }).join("");
}

$("diff-form").addEventListener("submit", (event) => {
  event.preventDefault();
  compare(clampSeq($("diff-from").value, head), clampSeq($("diff-to").value, head));
});

// -- reproducing a proposal -------------------------------------------------------------------------

async function reproduce(entry, button, verdict) {
  button.disabled = true;
  verdict.className = "verdict";
  verdict.textContent = "regenerating with the stored seed and model…";
  try {
    const result = await postJson(reproduceUrl(api.reproduce_template, entry.job_id));
    const { match, text } = reproduceVerdict(result);
    verdict.className = `verdict ${match ? "match" : "differ"}`;
    verdict.textContent = text;
  } catch (error) {
    verdict.className = "verdict differ";
    verdict.textContent = error.message;
  } finally {
    button.disabled = false;
  }
}

// -- start ------------------------------------------------------------------------------------------

async function start() {
  scrubTo(head);
  getJson(api.analytics)
    .then((analytics) => { $("analytics-figures").innerHTML = analyticsHtml(analytics); })
    .catch((error) => { $("analytics-figures").textContent = error.message; });
  try {
    page.history = await getJson(api.history);
  } catch (error) {
    $("timeline-count").textContent = error.message;
    return;
  }
  page.actors = actorIndex(page.history.actors);
  timeline.show(page.history, page.actors);
  scrubTo(page.seq);
  document.body.dataset.ready = "true";
}

start();
window.historyPage = { page, roll, scrubTo, compare, timeline }; // for the browser test and the curious
