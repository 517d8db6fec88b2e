// The studio page: wires the room (socket + pure RoomClient), the <piano-roll>, undo, audio and the AI panel.
// Journey of a drawn note: roll `intent` -> ops -> room.localEdit (optimistic) -> socket `op`
// -> server commits -> `ack` + `event` -> room.handle -> render.
import { RoomClient } from "../core/room.js";
import { UndoStack } from "../core/undo.js";
import { newId, noteAdd, noteDelete, noteUpdate } from "../core/ops.js";
import { quantizeOps } from "../core/quantize.js";
import { barTicks, gridTicks } from "../core/ticks.js";
import { actionFor, keyLabel, SHORTCUTS } from "../keymap.js";
import { RoomSocket, TOO_SLOW } from "../net/socket.js";
import { AiPanel } from "./ai-panel.js";
import { renderPresence, showNoteCard } from "./people.js";
import { setupFiles } from "./files.js";
import { setupRecording } from "./recording.js";
import { Audio } from "./audio.js";
import { TracksPanel } from "./tracks-panel.js";
import "../roll/piano-roll.js";

const script = document.getElementById("studio-script");
const pieceId = Number(script.dataset.piece);
const me = Number(script.dataset.me);
const $ = (id) => document.getElementById(id);
const EDIT_ROLES = ["owner", "editor"]; // viewers and researchers watch and listen
const roll = $("roll");

const studio = {
  room: new RoomClient(),
  undo: new UndoStack({ actor: { kind: "user", id: me } }),
  members: [], present: new Set(), role: script.dataset.role, jobsRunning: new Map(), clipboard: [],
  send(message) { socket.send(message); },
  region() {
    const tracks = [...tracksPanel.forAi];
    if (!roll.bars) return null;
    return { tracks: tracks.length ? tracks : [tracksPanel.active].filter(Boolean), bars: roll.bars };
  },
  showGhosts(ghosts) { roll.ghosts = ghosts; roll.render(); },
  hear(notes, bars, tracks) { audio.hearCandidate(notes, bars, tracks); },
  onChange() { render(); },
};
const tracksPanel = new TracksPanel(studio);
const ai = new AiPanel(studio);
const audio = new Audio(() => ({ state: studio.room.view, tracks: tracksPanel }));
audio.onPlayhead = (tick) => {
  roll.playhead = tick;
  roll.render();
  sendPresence({ playhead: tick == null ? null : Math.round(tick) });
};

const scheme = location.protocol === "https:" ? "wss" : "ws";
const socket = new RoomSocket(`${scheme}://${location.host}/ws/pieces/${pieceId}/`, {
  onOpen() {
    setConnection("online");
    for (const message of studio.room.reconnected()) socket.send(message);
  },
  onClose(code) {
    setConnection("offline");
    if (code === TOO_SLOW) flash("The connection could not keep up with the room; catching up…");
  },
  onMessage(message) { receive(message); },
});

/** Do what the RoomClient answers: send now, retry later, check a gap later, drop refused undo entries. */
function follow(result) {
  for (const out of result.send) socket.send(out);
  for (const refused of result.rejected) {
    studio.undo.forget(refused.clientOpId);
    flash(refused.message);
  }
  if (result.retry) setTimeout(() => result.retry.send.forEach((m) => socket.send(m)), result.retry.afterMs);
  if (result.checkAfterMs) setTimeout(() => { follow(studio.room.tick()); render(); }, result.checkAfterMs);
  if (result.error) ai.handle(result.error);
}

function receive(message) {
  follow(studio.room.handle(message));
  switch (message.type) {
    case "welcome":
      studio.members = message.members;
      studio.present = new Set(message.present);
      studio.role = message.you.role;
      break;
    case "present":  // who arrived and left lately, gathered into one notice (arrivals.py)
      studio.present = new Set(message.present);
      for (const member of message.joined) {
        if (!studio.members.some((m) => m.id === member.id)) studio.members.push(member);
      }
      for (const id of message.left) delete roll.remote[id];
      break;
    case "members":
      studio.members = message.members;
      studio.role = message.you.role;
      break;
    case "presence":
      roll.remote[message.user] = { ...roll.remote[message.user], ...message };
      break;
    case "job":
      if (["queued", "running"].includes(message.status)) studio.jobsRunning.set(message.job_id, message);
      else studio.jobsRunning.delete(message.job_id);
      ai.handle(message);
      break;
    case "proposal": case "decided":
      ai.handle(message);
      break;
    case "event":
      markStaleProposals(message);
      break;
  }
  render();
}

function markStaleProposals(event) {
  for (const [jobId, proposal] of ai.proposals) {
    if (event.seq <= proposal.base_seq || event.kind === "accept") continue;
    const bar = barTicks(studio.room.view.piece.time_signature);
    const [from, to] = [proposal.bars[0] * bar, proposal.bars[1] * bar];
    const touches = event.ops.some((op) => op.op.startsWith("bars.") || (op.op.startsWith("note.")
      && (proposal.tracks.includes(op.track) || proposal.tracks.includes(studio.room.view.notes[op.id]?.track))
      && ((op.start ?? studio.room.view.notes[op.id]?.start ?? -1) >= from)
      && ((op.start ?? studio.room.view.notes[op.id]?.start ?? Infinity) < to)));
    if (touches) ai.markStale(jobId);
  }
}

// -- editing ------------------------------------------------------------------------------------

/** Apply my ops optimistically, send them, and remember how to undo them. */
function edit(ops, { merge = false } = {}) {
  if (!ops.length || !canEdit()) return;
  const before = studio.room.view;
  let message;
  try {
    message = studio.room.localEdit(ops);
  } catch (error) {
    return flash(error.message);
  }
  studio.undo.record(before, message.ops, { merge, key: message.client_op_id });
  socket.send(message);
  render();
}

function canEdit() {
  if (!EDIT_ROLES.includes(studio.role)) { flash(`You are a ${studio.role}: you can listen, not edit.`); return false; }
  return true;
}

function undoOrRedo(kind) {
  const key = newId("c");
  const result = studio.undo[kind](studio.room.view, { key });
  if (!result) return flash(`Nothing to ${kind}.`);
  if (result.ops.length) {
    socket.send(studio.room.localEdit(result.ops, { clientOpId: key, intent: kind }));
  }
  if (result.skipped.length) flash(`Some of it was left alone: ${result.skipped[0].reason}`);
  render();
}

roll.addEventListener("intent", (event) => {
  const d = event.detail;
  const state = studio.room.view;
  switch (d.kind) {
    case "add": {
      const note = noteAdd({ ...d.note, track: d.note.track });
      edit([note]);
      setSelection(new Set([note.id]));
      break;
    }
    case "update": edit(d.changes.map(({ id, ...changes }) => noteUpdate(id, changes)), { merge: d.merge }); break;
    case "delete": edit(d.ids.filter((id) => state.notes[id]).map(noteDelete)); break;
    case "select": setSelection(d.ids); break;
    case "bars": roll.bars = d.range; updateRegionHint(); roll.render(); break;
    case "preview": audio.preview(d.pitch, d.track); break;
    case "cursor": sendPresence({ cursor: { tick: d.tick, pitch: Math.max(0, Math.min(127, d.pitch)) } }); break;
    case "hover": showNoteCard($("note-card"), d.note, d.x, d.y, studio.members); break;
    case "refused": if (canEdit()) flash(d.reason); break;
  }
});

function setSelection(ids) {
  roll.selection = ids;
  sendPresence({ selection: [...ids].slice(0, 2000) });
  roll.render();
}

const selected = () => [...roll.selection].map((id) => studio.room.view.notes[id]).filter(Boolean)
  .filter((n) => !lockedTracks().has(n.track));

const ACTIONS = {
  "play-toggle": () => (audio.playing ? audio.stop() : audio.play(roll.playhead ?? 0)),
  stop: () => { audio.stop(); roll.playhead = roll.bars ? roll.bars[0] * barTicks(studio.room.view.piece.time_signature) : 0; },
  "loop-toggle": () => { audio.toggleLoop(roll.bars); $("loop").setAttribute("aria-pressed", String(!!audio.loopBars)); },
  "tool-draw": () => setTool("draw"),
  "tool-select": () => setTool("select"),
  "transpose-up": () => transpose(1), "transpose-down": () => transpose(-1),
  "octave-up": () => transpose(12), "octave-down": () => transpose(-12),
  "nudge-right": () => nudge(roll.grid), "nudge-left": () => nudge(-roll.grid),
  delete: () => edit(selected().map((n) => noteDelete(n.id))),
  quantize: () => edit(quantizeOps(studio.room.view, selected().map((n) => n.id), roll.grid)),
  "select-all": () => setSelection(new Set(roll.visibleNotes().filter((n) => n.track === tracksPanel.active).map((n) => n.id))),
  "select-none": () => { setSelection(new Set()); ai.close(); },
  copy: () => { studio.clipboard = selected().map((n) => ({ ...n })); },
  cut: () => { studio.clipboard = selected().map((n) => ({ ...n })); ACTIONS.delete(); },
  paste: () => pasteAt(roll.playhead ?? 0),
  duplicate: () => {
    const notes = selected();
    if (!notes.length) return;
    studio.clipboard = notes.map((n) => ({ ...n }));
    pasteAt(Math.max(...notes.map((n) => n.start + n.duration)));
  },
  undo: () => undoOrRedo("undo"), redo: () => undoOrRedo("redo"),
  "ai-open": () => $("ai-ask").focus(),
  "candidate-next": () => ai.step(1), "candidate-previous": () => ai.step(-1),
  "candidate-accept": () => ai.decide(true), "candidate-reject": () => ai.decide(false),
  "candidate-regenerate": () => ai.regenerate(), "candidate-play": () => ai.hear(),
  help: () => $("help").showModal(),
  "record-step": () => recording.toggleStep(),
};
const recording = setupRecording({ roll, audio, tracks: tracksPanel, edit, flash });
setupFiles({ pieceId, roll, seq: () => studio.room.seq, flash });

function transpose(semitones) {
  edit(selected().map((n) => noteUpdate(n.id, { pitch: Math.min(127, Math.max(0, n.pitch + semitones)) })));
}

function nudge(ticks) {
  edit(selected().map((n) => noteUpdate(n.id, { start: Math.max(0, n.start + ticks) })));
}

function pasteAt(tick) {
  const notes = studio.clipboard;
  if (!notes.length) return;
  const first = Math.min(...notes.map((n) => n.start));
  const ops = notes.map((n) => noteAdd({ track: lockedTracks().has(n.track) ? tracksPanel.active : n.track,
    start: tick + n.start - first, duration: n.duration, pitch: n.pitch, velocity: n.velocity }));
  edit(ops);
  setSelection(new Set(ops.map((op) => op.id)));
}

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
});
$("grid").addEventListener("change", (e) => { roll.grid = gridTicks(e.target.value); roll.render(); });
$("filter").addEventListener("change", (e) => { roll.filter = e.target.value; roll.render(); });
$("metronome").addEventListener("change", (e) => { audio.metronome = e.target.checked; });
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

function lockedTracks() {
  const state = studio.room.view;
  if (!state) return new Set();
  if (!EDIT_ROLES.includes(studio.role)) return new Set(state.tracks.map((t) => t.id));
  if (!state.piece.own_tracks_only || studio.role === "owner") return new Set();
  return new Set(state.tracks.filter((t) => t.owner !== me).map((t) => t.id));
}

function render() {
  const state = studio.room.view;
  if (!state) return;
  const locked = lockedTracks();
  tracksPanel.render(state, { members: studio.members, locked });
  Object.assign(roll, { state, me, locked, activeTrack: tracksPanel.active,
    colours: Object.fromEntries(studio.members.map((m) => [m.id, m.colour])) });
  roll.render();
  $("seq").textContent = studio.room.seq;
  $("note-count").textContent = Object.keys(state.notes).length;
  $("undo").disabled = !studio.undo.canUndo;
  $("redo").disabled = !studio.undo.canRedo;
  renderPresence($("presence"), { members: studio.members, present: studio.present, me,
    jobs: studio.jobsRunning.values() });
  updateRegionHint();
}

function updateRegionHint() {
  const region = studio.region();
  const names = Object.fromEntries((studio.room.view?.tracks ?? []).map((t) => [t.id, t.name]));
  $("ai-region").textContent = region
    ? `${region.bars[1] - region.bars[0] === 1 ? `Bar ${region.bars[1]}` : `Bars ${region.bars[0] + 1}-${region.bars[1]}`}`
      + ` of ${region.tracks.map((t) => names[t]).join(", ") || "no track"}`
    : "Select bars on the ruler (and tick tracks on the left).";
}

function setConnection(status) {
  $("connection").textContent = status;
  $("connection").className = status;
}

let flashTimer = null;
function flash(text) {
  ai.status(text);
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => ai.status(""), 4000);
}

studio.audio = audio;
window.studio = studio; // for the browser tests and the curious
