// Inverses of ops, as "parts": one undo step per op, with what the op left behind (`expect`), so that
// undo.js can tell whether someone else has since changed what a part would overwrite.
//
// A part is data: {kind, ...fields, expect}. partOps(part) turns it into the ops to send.
//   note.delete {id}                      undoes note.add
//   note.update {id, restore}             undoes note.update (restore = previous values of changed fields)
//   note.add    {note}                    undoes note.delete (every field of the note)
//   track.delete {id}                     undoes track.add
//   track.update {id, restore}            undoes track.update
//   track.add   {track, notes}            undoes track.delete, re-adding the notes it took with it
//   piece.update {restore}                undoes piece.update
//   bars.delete {at, count, restore}      undoes bars.insert; restore = [{id, duration}] of notes that
//                                         sounded across `at` (bars.delete would otherwise shorten them)
//   bars.insert {at, count, notes, restore} undoes bars.delete; notes = the notes it removed, restore =
//                                         [{id, duration}] of the notes it shortened
//
// What cannot be restored exactly (documented, tested):
// - Provenance: a client's note.add cannot carry `provenance` (the server refuses it as a forged author),
//   so a re-added note is authored by whoever undoes, unless `{provenance: true}` asks for it (trusted
//   server-side callers only). `last_editor` and `human_edited` are never rolled back.
// A {kind: "group", parts} part is undone whole or not at all (undo.js builds them for redo).
// - Order: track.add appends, so an undone track.delete puts the track last; re-added notes come last in
//   the notes object (which order does not matter for, but JSON text would differ).
import { barTicks } from './ticks.js';
import { foldOps, NO_LIMITS } from './state.js';
import { deepEqual, NOTE_FIELDS, PIECE_FIELDS, pick, TRACK_FIELDS } from './util.js';

/**
 * The inverse parts of `ops` applied to `stateBefore`, in the order they must be applied (last op first).
 * Throws OpError if `ops` do not apply to `stateBefore`.
 * @param {object} stateBefore
 * @param {object[]} ops every note.add/track.add must carry its id
 * @param {object} [actor]
 * @param {number[]} [units] op counts of consecutive ops that only make sense together (e.g. a bars.delete
 *   and the note.update that restores a duration it cut); each becomes one {kind: "group", parts} part
 * @returns {{parts: object[], after: object}} the parts and the state after `ops`
 */
export function inverseParts(stateBefore, ops, actor, units = ops.map(() => 1)) {
  const perOp = [];
  const after = foldOps(stateBefore, ops, actor, NO_LIMITS, (work, op) => {
    const parts = PARTS[op.op](work, op);
    perOp.push(parts);
    return (done) => parts.forEach((part) => { part.expect = EXPECT[part.kind](done, part); });
  });
  const grouped = [];
  let next = 0;
  for (const size of units) {
    const parts = perOp.slice(next, next + size).reverse().flat();
    next += size;
    if (parts.length > 1) grouped.push({ kind: 'group', parts });
    else grouped.push(...parts);
  }
  return { parts: grouped.reverse(), after };
}

/**
 * The ops that undo `ops` when applied right after them (see the module comment for what is not exact).
 * @param {object} stateBefore the state `ops` were applied to
 * @param {object[]} ops
 * @param {{actor?: object, provenance?: boolean}} [options]
 * @returns {object[]}
 */
export function inverseOps(stateBefore, ops, { actor, provenance = false } = {}) {
  return inverseParts(stateBefore, ops, actor).parts.flatMap((part) => partOps(part, { provenance }));
}

/**
 * The ops of one part.
 * @param {object} part
 * @param {{provenance?: boolean}} [options] include provenance on re-added notes (trusted callers only)
 */
export function partOps(part, { provenance = false } = {}) {
  const add = (note) => noteAddOp(note, provenance);
  const restoreOps = (restore) => restore.map(({ id, duration }) => ({ op: 'note.update', id, duration }));
  switch (part.kind) {
    case 'group': return part.parts.flatMap((p) => partOps(p, { provenance }));
    case 'note.delete': return [{ op: 'note.delete', id: part.id }];
    case 'note.update': return [{ op: 'note.update', id: part.id, ...part.restore }];
    case 'note.add': return [add(part.note)];
    case 'track.delete': return [{ op: 'track.delete', id: part.id }];
    case 'track.update': return [{ op: 'track.update', id: part.id, ...part.restore }];
    case 'track.add': return [{ op: 'track.add', ...part.track }, ...part.notes.map(add)];
    case 'piece.update': return [{ op: 'piece.update', ...part.restore }];
    case 'bars.delete': return [{ op: 'bars.delete', at: part.at, count: part.count }, ...restoreOps(part.restore)];
    case 'bars.insert':
      return [{ op: 'bars.insert', at: part.at, count: part.count }, ...restoreOps(part.restore),
        ...part.notes.map(add)];
    default: throw new Error(`unknown part ${part.kind}`);
  }
}

function noteAddOp(note, provenance) {
  const op = { op: 'note.add', ...pick(note, ['id', ...NOTE_FIELDS]) };
  if (provenance) op.provenance = pick(note, ['author', 'job', 'candidate', 'accepted_by']);
  return op;
}

// The previous values of the fields an update changes; unchanged fields need no restoring.
function changed(previous, op, fields) {
  return Object.fromEntries(fields.filter((f) => op[f] !== undefined && !deepEqual(previous[f], op[f]))
    .map((f) => [f, previous[f]]));
}
const nonEmpty = (part) => (Object.keys(part.restore).length ? [part] : []);
const trackOf = (work, id) => work.tracks.find((t) => t.id === id);
const countOf = (op) => (op.count === undefined ? 1 : op.count);
const durations = (notes) => notes.map(({ id, duration }) => ({ id, duration }));
const update = (kind, op, previous, fields) => nonEmpty({ kind, id: op.id, restore: changed(previous, op, fields) });

const PARTS = {
  'note.add': (work, op) => [{ kind: 'note.delete', id: op.id }],
  'note.update': (work, op) => update('note.update', op, work.notes.get(op.id), NOTE_FIELDS),
  'note.delete': (work, op) => [{ kind: 'note.add', note: work.notes.get(op.id) }],
  'track.add': (work, op) => [{ kind: 'track.delete', id: op.id }],
  'track.update': (work, op) => update('track.update', op, trackOf(work, op.id), TRACK_FIELDS),
  'track.delete': (work, op) => [{
    kind: 'track.add', track: { ...trackOf(work, op.id) },
    notes: [...work.notes.values()].filter((n) => n.track === op.id),
  }],
  'piece.update': (work, op) => nonEmpty({ kind: 'piece.update', restore: changed(work.piece, op, PIECE_FIELDS) }),
  'bars.insert': (work, op) => {
    const at = op.at * barTicks(work.piece.time_signature);
    const crossing = [...work.notes.values()].filter((n) => n.start < at && n.start + n.duration > at);
    return [{ kind: 'bars.delete', at: op.at, count: countOf(op), restore: durations(crossing) }];
  },
  'bars.delete': (work, op) => {
    const size = barTicks(work.piece.time_signature);
    const [cutStart, cutEnd] = [op.at * size, (op.at + countOf(op)) * size];
    const notes = [...work.notes.values()];
    return [{
      kind: 'bars.insert', at: op.at, count: countOf(op),
      notes: notes.filter((n) => cutStart <= n.start && n.start < cutEnd),
      restore: durations(notes.filter((n) => n.start < cutStart && n.start + n.duration > cutStart)),
    }];
  },
};

// What each part expects to find when it is undone: the state its op left (`work` right after the op).
// For bars parts: the bar structure, and where the notes whose durations they restore start and end.
const structure = (work, part) => ({
  bars: work.piece.bars, time_signature: work.piece.time_signature,
  notes: part.restore.map(({ id }) => pick(work.notes.get(id), ['id', 'start', 'duration'])),
});
const EXPECT = {
  'note.delete': (work, part) => pick(work.notes.get(part.id), NOTE_FIELDS),
  'note.update': (work, part) => pick(work.notes.get(part.id), Object.keys(part.restore)),
  'note.add': () => null,
  'track.delete': (work, part) => ({ ...trackOf(work, part.id) }),
  'track.update': (work, part) => pick(trackOf(work, part.id), Object.keys(part.restore)),
  'track.add': () => null,
  'piece.update': (work, part) => pick(work.piece, Object.keys(part.restore)),
  'bars.delete': structure,
  'bars.insert': structure,
};
