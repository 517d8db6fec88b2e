// Per-person undo/redo for a shared piece. Undo never restores a snapshot (that would erase co-authors'
// work): it turns my own last edit into inverse ops that the caller SENDS as a new op, like any edit.
//
// Policy when others have touched what my edit touched: skip just those parts, and say why.
// Each inverse part (inverse.js) carries what my op left behind; at undo time the parts are tried in
// order on a trial copy of the current state, and a part whose targets no longer look like that is
// skipped (for note.update/track.update/piece.update field by field, matching the protocol's "last writer
// wins per field"):
// - a note I added that someone then edited or deleted is not deleted by my undo;
// - a note I moved whose pitch someone then changed gets its start back, but keeps their pitch;
// - a note I deleted is not re-added when someone has since used its id, or its track is gone;
// - bars I inserted are not removed when someone has written into them or changed the bar structure;
// - a track I moved goes back only if nobody moved tracks since; a track I deleted comes back at its old
//   position (or last, if the list is now shorter);
// - chords and cues behave like notes; a tempo change goes back only if nobody changed that bar's tempo.
// Skipped parts come back in `skipped` with a reason, for the UI to show.
//
// Wiring with room.js (keys let a refused op drop its history entry):
//   const before = room.view; const msg = room.localEdit(ops); undo.record(before, ops, {key: msg.client_op_id});
//   const id = newId('c'); const r = undo.undo(room.view, {key: id});
//   if (r && r.ops.length) send(room.localEdit(r.ops, {clientOpId: id}));
//   on a refused op (room.handle(...).rejected): undo.forget(clientOpId).
import { inverseParts, partOps } from './inverse.js';
import { NO_LIMITS, openFold, OpError } from './state.js';
import { barTicks } from './ticks.js';
import { deepEqual, pick } from './util.js';

const UPDATES = new Set(['note.update', 'track.update', 'chord.update', 'cue.update']);
// Updates of different targets that commute (chords do not: whether one fits depends on the others).
const COMMUTING = new Set(['note.update', 'track.update', 'cue.update']);

/** A person's undo and redo stacks. */
export class UndoStack {
  /**
   * @param {{actor?: object, limit?: number}} [options] actor: me ({kind: "user", id}); limit: entries kept
   */
  constructor({ actor = { kind: 'user', id: 0 }, limit = 200 } = {}) {
    this.actor = actor;
    this.limit = limit;
    this.undoStack = [];
    this.redoStack = [];
  }

  get canUndo() { return this.undoStack.length > 0; }

  get canRedo() { return this.redoStack.length > 0; }

  /**
   * Remember an edit of mine. Clears redo. With `merge` the edit joins the last entry (one drag = one undo).
   * Throws OpError when `ops` do not apply to `stateBefore`.
   * @param {object} stateBefore the state my ops were applied to (the optimistic view)
   * @param {object[]} ops
   * @param {{merge?: boolean, key?: string}} [options] key: e.g. the op's client_op_id, for forget()
   */
  record(stateBefore, ops, { merge = false, key } = {}) {
    const { parts } = inverseParts(stateBefore, ops, this.actor);
    this.redoStack = [];
    const top = this.undoStack[this.undoStack.length - 1];
    if (merge && top) {
      top.parts = compact([...parts, ...top.parts]);
      if (key !== undefined) top.keys.push(key);
    } else {
      this.undoStack.push({ parts: compact(parts), keys: key === undefined ? [] : [key] });
      if (this.undoStack.length > this.limit) this.undoStack.shift();
    }
  }

  /**
   * The ops that undo my last edit, checked against `currentState`; the entry moves to redo.
   * @param {object} currentState what I see now (my pending edits included)
   * @param {{key?: string}} [options] key for the redo entry (the client_op_id the ops will be sent with)
   * @returns {{ops: object[], skipped: {ops: object[], reason: string}[]} | null} null: nothing to undo
   */
  undo(currentState, { key } = {}) {
    return this.step(this.undoStack, this.redoStack, currentState, key);
  }

  /**
   * The ops that redo my last undone edit; same shape and rules as undo().
   * @param {object} currentState
   * @param {{key?: string}} [options]
   */
  redo(currentState, { key } = {}) {
    return this.step(this.redoStack, this.undoStack, currentState, key);
  }

  /** Drop the entries recorded under `key` (the server refused that op, so there is nothing to undo). */
  forget(key) {
    const keep = (entry) => !entry.keys.includes(key);
    this.undoStack = this.undoStack.filter(keep);
    this.redoStack = this.redoStack.filter(keep);
  }

  /** Forget everything (a new piece, or a welcome that replaced the state). */
  clear() {
    this.undoStack = [];
    this.redoStack = [];
  }

  step(from, to, currentState, key) {
    const entry = from.pop();
    if (!entry) return null;
    const { ops, skipped, units } = guardedOps(entry.parts, currentState, this.actor);
    if (ops.length) {
      // The opposite entry is the inverse of what is actually sent, so redo redoes only what undo undid;
      // each part sent becomes one unit, so e.g. a bars.delete and its duration restores stay together.
      const { parts } = inverseParts(currentState, ops, this.actor, units);
      to.push({ parts: compact(parts), keys: key === undefined ? [] : [key] });
    }
    return { ops, skipped };
  }
}

/**
 * The ops of `parts` that still make sense on `state`, tried in order on a trial copy.
 * @param {object[]} parts inverse parts (inverse.js) with their `expect`
 * @param {object} state
 * @param {object} [actor]
 * @returns {{ops: object[], skipped: {ops: object[], reason: string}[], units: number[]}}
 *   units: how many of `ops` each kept part gave
 */
export function guardedOps(parts, state, actor) {
  const result = { ops: [], skipped: [], units: [] };
  tryParts(parts, openFold(state, actor, NO_LIMITS), result);
  return result;
}

// One fold session for the whole undo: each part is an atomic message on it, checked against what the
// parts before it left (a copy of the piece per part would cost O(notes) each).
function tryParts(parts, trial, result) {
  for (const part of parts) {
    if (part.kind === 'group') { // all of it or nothing
      const mark = trial.mark();
      const inner = { ops: [], skipped: [], units: [] };
      tryParts(part.parts, trial, inner);
      if (inner.skipped.length) {
        trial.rollback(mark);
        result.skipped.push({ ops: partOps(part), reason: inner.skipped[0].reason });
      } else if (inner.ops.length) {
        result.ops.push(...inner.ops);
        result.units.push(inner.ops.length);
      }
      continue;
    }
    const { part: kept, reason, dropped = part } = guard(part, trial);
    if (reason) result.skipped.push({ ops: partOps(dropped), reason });
    if (!kept) continue;
    const ops = partOps(kept);
    try {
      trial.apply(ops);
      result.ops.push(...ops);
      result.units.push(ops.length);
    } catch (error) {
      if (!(error instanceof OpError)) throw error;
      result.skipped.push({ ops, reason: error.message });
    }
  }
}

// -> {part, reason, dropped?}: the part (possibly trimmed to the fields nobody else touched) or null, and
// why not. `trial` is a fold session (state.js openFold): note(id), track(id), piece, notes().
function guard(part, trial) {
  const { expect } = part;
  switch (part.kind) {
    case 'note.delete': return unchanged(part, trial.note(part.id), 'note');
    case 'chord.delete': return unchanged(part, trial.chord(part.id), 'chord');
    case 'cue.delete': return unchanged(part, trial.cue(part.id), 'cue');
    case 'note.update': return fields(part, trial.note(part.id), 'note');
    case 'track.update': return fields(part, trial.track(part.id), 'track');
    case 'chord.update': return fields(part, trial.chord(part.id), 'chord');
    case 'cue.update': return fields(part, trial.cue(part.id), 'cue');
    case 'piece.update': return fields(part, trial.piece, 'piece');
    case 'note.add':
      return trial.note(part.note.id) ? skip('a note with this id exists again') : keep(part);
    case 'chord.add':
      return trial.chord(part.chord.id) ? skip('a chord with this id exists again') : keep(part);
    case 'cue.add':
      return trial.cue(part.cue.id) ? skip('a cue with this id exists again') : keep(part);
    case 'tempo.delete': case 'tempo.set': {
      const now = trial.tempo.find((c) => c.bar === part.bar);
      if ((now ? now.tempo : null) !== expect) return skip(`someone else changed the tempo at bar ${part.bar + 1} since`);
      return keep(part);
    }
    case 'track.move': {
      const index = trial.trackIndex(part.id);
      if (index < 0) return skip('someone else deleted this track');
      if (index !== expect) return skip('someone else moved the tracks since');
      return keep({ ...part, index: Math.min(part.index, trial.tracks.length - 1) });
    }
    case 'track.delete': {
      const track = trial.track(part.id);
      if (!track) return skip('someone else already deleted this track');
      if (!deepEqual(track, expect)) return skip('someone else changed this track since');
      const theirs = [...trial.notes()].some((n) => n.track === part.id);
      return theirs ? skip('someone else has notes on this track') : keep(part);
    }
    case 'track.add': {
      if (trial.track(part.track.id)) return skip('a track with this id exists again');
      return keep({ ...part, index: Math.min(part.index, trial.tracks.length),
        notes: part.notes.filter((n) => !trial.note(n.id)) });
    }
    case 'bars.delete': case 'bars.insert': return bars(part, trial);
    default: throw new Error(`unknown part ${part.kind}`);
  }
}

const keep = (part) => ({ part, reason: null });
const skip = (reason) => ({ part: null, reason });

// Delete what I added only while it is as I left it.
function unchanged(part, target, what) {
  if (!target) return skip(`someone else already deleted this ${what}`);
  if (!deepEqual(pick(target, Object.keys(part.expect)), part.expect)) return skip(`someone else changed this ${what} since`);
  return keep(part);
}

// Field by field: restore only what still holds the value my op left (last writer wins per field).
function fields(part, target, what) {
  if (!target) return skip(`someone else deleted this ${what}`);
  const all = Object.keys(part.restore);
  const mine = all.filter((f) => deepEqual(target[f], part.expect[f]));
  if (!mine.length) return skip(`someone else changed this ${what} since`);
  const theirs = all.filter((f) => !mine.includes(f));
  return {
    part: { ...part, restore: pick(part.restore, mine) },
    reason: theirs.length ? `someone else changed the ${what}'s ${theirs.join(', ')} since; theirs stays` : null,
    dropped: { ...part, restore: pick(part.restore, theirs) },
  };
}

function bars(part, trial) {
  const { piece } = trial;
  if (piece.bars !== part.expect.bars || !deepEqual(piece.time_signature, part.expect.time_signature)) {
    return skip("someone else changed the piece's bars since");
  }
  const asLeft = (kind) => (s) => part.expect[kind].some((e) => e.id === s.id && e.start === s.start
    && e.duration === s.duration);
  const size = barTicks(piece.time_signature);
  const [from, to] = [part.at * size, (part.at + part.count) * size];
  if (part.kind === 'bars.insert') return keep(reinserted(part, trial, from, to - from, asLeft));
  // Removing the bars I inserted must not take or cut anyone's work: nothing but my crossing notes and
  // chords there, and no tempo change.
  const inside = (spans) => [...spans].filter((s) => s.start < to && s.start + s.duration > from);
  const mine = inside(trial.notes()).every(asLeft('notes')) && inside(trial.chords()).every(asLeft('chords'));
  const tempo = trial.tempo.some((c) => c.bar >= part.at && c.bar < part.at + part.count);
  return mine && !tempo ? keep(part) : skip('someone else has written in the inserted bars');
}

// Re-inserting removed bars cannot hurt anyone's work: put back what is still free and restore only what
// is still as I left it. A chord whose time someone else's chord now covers (one lengthened into the cut)
// stays out. Removed tempo changes always find their bars free again: everyone's later changes move right
// with the re-inserted bars.
function reinserted(part, trial, at, shift, asLeft) {
  const moved = (s) => (s.start >= at ? s.start + shift : s.start);
  const taken = [...trial.chords()].map((c) => [moved(c), moved(c) + c.duration]);
  const chords = part.chords.filter((c) => !trial.chord(c.id)
    && !taken.some(([start, end]) => start < c.start + c.duration && c.start < end));
  return {
    ...part, notes: part.notes.filter((n) => !trial.note(n.id)), chords,
    restore: part.restore.filter(({ id }) => trial.note(id) && asLeft('notes')(trial.note(id))),
    chordRestore: part.chordRestore.filter(({ id }) => trial.chord(id) && asLeft('chords')(trial.chord(id))),
  };
}

// Merge update parts of the same target, so a long drag stays one small op message. Two parts merge when
// only updates of other targets lie between them (those commute). The older restore wins (it holds the
// values before the whole group), the newer expect wins (it is what the group left).
function compact(parts) {
  const out = [];
  for (const part of parts) {
    const target = (p) => p.kind === part.kind && p.id === part.id;
    let i = out.length - 1;
    while (i >= 0 && !target(out[i]) && COMMUTING.has(out[i].kind) && COMMUTING.has(part.kind)) i -= 1;
    if (i >= 0 && UPDATES.has(part.kind) && target(out[i])) {
      out[i] = merged(out[i], part);
    } else if (part.kind === 'piece.update' && out.length && out[out.length - 1].kind === 'piece.update') {
      out[out.length - 1] = merged(out[out.length - 1], part);
    } else if (part.kind === 'track.move' && out.length && target(out[out.length - 1])) {
      out[out.length - 1] = { ...out[out.length - 1], index: part.index }; // one drag: back to where it began
    } else {
      out.push(part);
    }
  }
  return out;
}

function merged(newer, older) {
  return { ...newer, restore: { ...newer.restore, ...older.restore }, expect: { ...older.expect, ...newer.expect } };
}
