// Editing the piece from the page: every change is ops applied optimistically through the RoomClient,
// sent on the socket and recorded for per-person undo. A refusal (here, or later from the server) is
// told in the status line of the part of the page that made the edit.
import { newId, noteAdd, noteDelete, noteUpdate } from "../core/ops.js";
import { quantizeOps } from "../core/quantize.js";
import { canEdit } from "../core/rules.js";
import { say } from "./status.js";

/**
 * @param {{studio: object, socket: object, roll: HTMLElement, render: Function, rollStatus: HTMLElement,
 *          locked: () => Set<string>}} parts
 */
export function setupEditing({ studio, socket, roll, render, rollStatus, locked }) {
  const origins = new Map(); // client_op_id -> {status, failed} of the edit, for the server's answer

  /**
   * Apply my ops, send them and remember how to undo them. Returns true when they were sent.
   * @param {object[]} ops
   * @param {{merge?: boolean, status?: HTMLElement, done?: string, failed?: Function, refused?: string}} [options]
   */
  function edit(ops, { merge = false, status = rollStatus, done, failed, refused } = {}) {
    if (refused) return say(status, refused, { error: true }) && false;
    if (!ops.length || !mayEdit(status)) return false;
    const before = studio.room.view;
    let message;
    try {
      message = studio.room.localEdit(ops);
    } catch (error) {
      say(status, error.message, { error: true });
      failed?.();
      return false;
    }
    studio.undo.record(before, message.ops, { merge, key: message.client_op_id });
    origins.set(message.client_op_id, { status, failed });
    socket.send(message);
    if (done) say(status, done);
    render();
    return true;
  }

  /** The server refused one of my messages: forget its undo entry and say why where it was made. */
  function refused({ clientOpId, message }) {
    studio.undo.forget(clientOpId);
    const origin = origins.get(clientOpId) ?? { status: rollStatus };
    origins.delete(clientOpId);
    say(origin.status, message, { error: true });
    origin.failed?.();
  }

  function mayEdit(status = rollStatus) {
    if (canEdit(studio.role)) return true;
    say(status, `You are a ${studio.role}: you can listen, not edit.`, { error: true });
    return false;
  }

  function undoOrRedo(kind) {
    const key = newId("c");
    const result = studio.undo[kind](studio.room.view, { key });
    if (!result) return say(rollStatus, `Nothing to ${kind}.`);
    if (result.ops.length) socket.send(studio.room.localEdit(result.ops, { clientOpId: key, intent: kind }));
    if (result.skipped.length) say(rollStatus, `Some of it was left alone: ${result.skipped[0].reason}`);
    return render();
  }

  const selected = () => [...roll.selection].map((id) => studio.room.view.notes[id]).filter(Boolean)
    .filter((n) => !locked().has(n.track));

  function setSelection(ids) {
    roll.selection = ids;
    studio.sendPresence({ selection: [...ids].slice(0, 2000) });
    render();
  }

  function pasteAt(tick) {
    const notes = studio.clipboard;
    if (!notes.length) return;
    const first = Math.min(...notes.map((n) => n.start));
    const ops = notes.map((n) => noteAdd({ track: locked().has(n.track) ? studio.activeTrack() : n.track,
      start: tick + n.start - first, duration: n.duration, pitch: n.pitch, velocity: n.velocity }));
    if (edit(ops)) setSelection(new Set(ops.map((op) => op.id)));
  }

  /** Without a selection the arrows move the caret, which the keyboard writes notes at. */
  function caret() {
    if (!roll.caret) roll.caret = { tick: roll.playhead ?? 0, pitch: Math.round(roll.geometry.topPitch - roll.visibleRows() / 2) };
    return roll.caret;
  }
  function moveCaret(ticks, semitones) {
    const c = caret();
    const end = studio.room.view.piece.bars * roll.barTicks();
    c.tick = Math.min(end - roll.grid, Math.max(0, c.tick + ticks));
    c.pitch = Math.min(127, Math.max(0, c.pitch + semitones));
    roll.playhead = c.tick;
    roll.reveal(c.tick, c.pitch);
    roll.render();
  }
  const transpose = (semitones) => (selected().length
    ? edit(selected().map((n) => noteUpdate(n.id, { pitch: Math.min(127, Math.max(0, n.pitch + semitones)) })))
    : moveCaret(0, Math.sign(semitones) * Math.min(Math.abs(semitones), 1)));
  const nudge = (ticks) => edit(selected().map((n) => noteUpdate(n.id, { start: Math.max(0, n.start + ticks) })));

  const actions = {
    "transpose-up": () => transpose(1), "transpose-down": () => transpose(-1),
    "octave-up": () => transpose(12), "octave-down": () => transpose(-12),
    "nudge-right": () => nudge(roll.grid), "nudge-left": () => nudge(-roll.grid),
    "caret-right": () => moveCaret(roll.grid, 0), "caret-left": () => moveCaret(-roll.grid, 0),
    "caret-note": () => {
      const c = caret();
      const track = studio.activeTrack();
      if (!track || locked().has(track)) return say(rollStatus, "Pick a track you may edit first.", { error: true });
      const note = noteAdd({ track, start: c.tick, duration: roll.lastDuration, pitch: c.pitch, velocity: 96 });
      if (edit([note])) { studio.preview(c.pitch, track); moveCaret(roll.lastDuration, 0); }
      return undefined;
    },
    delete: () => edit(selected().map((n) => noteDelete(n.id))),
    quantize: () => edit(quantizeOps(studio.room.view, selected().map((n) => n.id), roll.grid)),
    "select-all": () => setSelection(new Set(roll.visibleNotes().filter((n) => n.track === studio.activeTrack())
      .map((n) => n.id))),
    copy: () => { studio.clipboard = selected().map((n) => ({ ...n })); },
    cut: () => { studio.clipboard = selected().map((n) => ({ ...n })); actions.delete(); },
    paste: () => pasteAt(roll.playhead ?? 0),
    duplicate: () => {
      const notes = selected();
      if (!notes.length) return;
      studio.clipboard = notes.map((n) => ({ ...n }));
      pasteAt(Math.max(...notes.map((n) => n.start + n.duration)));
    },
    undo: () => undoOrRedo("undo"), redo: () => undoOrRedo("redo"),
  };
  return { edit, refused, mayEdit, setSelection, actions, forgetOrigins: () => origins.clear() };
}
