// Inverses of ops, as "parts": one undo step per op, with what the op left behind (`expect`), so that
// undo.js can tell whether someone else has since changed what a part would overwrite.
//
// A part is data: {kind, ...fields, expect}. partOps(part) turns it into the ops to send.
//   note.delete {id}                      undoes note.add
//   note.update {id, restore}             undoes note.update (restore = previous values of changed fields)
//   note.add    {note}                    undoes note.delete (every field of the note)
//   track.delete {id}                     undoes track.add
//   track.update {id, restore}            undoes track.update
//   track.move  {id, index}               undoes track.move (index = where it was)
//   track.add   {track, index, notes}     undoes track.delete: the track at its old position, with its
//                                         colour, volume and pan, then the notes it took with it
//   chord.delete / chord.update / chord.add {chord}, cue.delete / cue.update / cue.add {cue}: as notes
//   tempo.delete {bar}                    undoes a tempo.set that added a change
//   tempo.set   {bar, tempo, change?}     undoes a tempo.set that replaced one, or a tempo.delete (change:
//                                         the removed change, for its author)
//   piece.update {restore}                undoes piece.update
//   bars.delete {at, count, restore, chordRestore}  undoes bars.insert; restore / chordRestore =
//                                         [{id, duration}] of notes / chords that sounded across `at`
//                                         (bars.delete would otherwise shorten them)
//   bars.insert {at, count, notes, restore, chords, chordRestore, tempo} undoes bars.delete: notes,
//                                         chords and tempo changes it removed, durations it shortened
//
// What cannot be restored exactly (documented, tested):
// - Provenance: a client's note.add and chord.add cannot carry `provenance` (the server refuses it as a
//   forged author), so a re-added note or chord is authored by whoever undoes, unless `{provenance: true}`
//   asks for it (trusted server-side callers only). `last_editor` and `human_edited` are never rolled back.
// A {kind: "group", parts} part is undone whole or not at all (undo.js builds them for redo).
// - Order: re-added notes, chords and cues come last in their objects (which order does not matter for,
//   but JSON text would differ).
import { barTicks } from './ticks.js';
import { foldOps, NO_LIMITS } from './state.js';
import { CHORD_FIELDS, CUE_FIELDS, deepEqual, NOTE_FIELDS, PIECE_FIELDS, pick, TRACK_FIELDS } from './util.js';

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
  const addChord = (chord) => chordAddOp(chord, provenance);
  const restoreOps = (restore, op = 'note.update') => restore.map(({ id, duration }) => ({ op, id, duration }));
  const setTempo = (change) => tempoSetOp(change, provenance);
  switch (part.kind) {
    case 'group': return part.parts.flatMap((p) => partOps(p, { provenance }));
    case 'note.delete': return [{ op: 'note.delete', id: part.id }];
    case 'note.update': return [{ op: 'note.update', id: part.id, ...part.restore }];
    case 'note.add': return [add(part.note)];
    case 'track.delete': return [{ op: 'track.delete', id: part.id }];
    case 'track.update': return [{ op: 'track.update', id: part.id, ...part.restore }];
    case 'track.move': return [{ op: 'track.move', id: part.id, index: part.index }];
    case 'track.add': return [{ op: 'track.add', ...part.track, index: part.index }, ...part.notes.map(add)];
    case 'chord.delete': return [{ op: 'chord.delete', id: part.id }];
    case 'chord.update': return [{ op: 'chord.update', id: part.id, ...part.restore }];
    case 'chord.add': return [addChord(part.chord)];
    case 'cue.delete': return [{ op: 'cue.delete', id: part.id }];
    case 'cue.update': return [{ op: 'cue.update', id: part.id, ...part.restore }];
    case 'cue.add': return [cueAddOp(part.cue, provenance)];
    case 'tempo.delete': return [{ op: 'tempo.delete', bar: part.bar }];
    case 'tempo.set': return [setTempo(part.change || { bar: part.bar, tempo: part.tempo })];
    case 'piece.update': return [{ op: 'piece.update', ...part.restore }];
    case 'bars.delete':
      return [{ op: 'bars.delete', at: part.at, count: part.count }, ...restoreOps(part.restore),
        ...restoreOps(part.chordRestore, 'chord.update')];
    case 'bars.insert':
      return [{ op: 'bars.insert', at: part.at, count: part.count }, ...restoreOps(part.restore),
        ...restoreOps(part.chordRestore, 'chord.update'), ...part.notes.map(add), ...part.chords.map(addChord),
        ...part.tempo.map(setTempo)];
    default: throw new Error(`unknown part ${part.kind}`);
  }
}

function noteAddOp(note, provenance) {
  const op = { op: 'note.add', ...pick(note, ['id', ...NOTE_FIELDS]) };
  if (provenance) op.provenance = pick(note, ['author', 'job', 'candidate', 'accepted_by']);
  return op;
}

function chordAddOp(chord, provenance) {
  const op = { op: 'chord.add', ...pick(chord, ['id', ...CHORD_FIELDS]) };
  if (provenance) op.provenance = pick(chord, ['author', 'job', 'candidate', 'accepted_by']);
  return op;
}

function cueAddOp(cue, provenance) {
  const op = { op: 'cue.add', ...pick(cue, ['id', ...CUE_FIELDS]) };
  if (provenance) op.provenance = pick(cue, ['author']);
  return op;
}

function tempoSetOp(change, provenance) {
  const op = { op: 'tempo.set', bar: change.bar, tempo: change.tempo };
  if (provenance && change.author) op.provenance = pick(change, ['author']);
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

const tempoAt = (work, bar) => work.tempo.find((c) => c.bar === bar);
const crossing = (spans, at) => [...spans.values()].filter((s) => s.start < at && s.start + s.duration > at);
const startingIn = (spans, from, to) => [...spans.values()].filter((s) => from <= s.start && s.start < to);

const PARTS = {
  'note.add': (work, op) => [{ kind: 'note.delete', id: op.id }],
  'note.update': (work, op) => update('note.update', op, work.notes.get(op.id), NOTE_FIELDS),
  'note.delete': (work, op) => [{ kind: 'note.add', note: work.notes.get(op.id) }],
  'track.add': (work, op) => [{ kind: 'track.delete', id: op.id }],
  'track.update': (work, op) => update('track.update', op, trackOf(work, op.id), TRACK_FIELDS),
  'track.move': (work, op) => {
    const index = work.tracks.findIndex((t) => t.id === op.id);
    return index === op.index ? [] : [{ kind: 'track.move', id: op.id, index }];
  },
  'track.delete': (work, op) => [{
    kind: 'track.add', track: { ...trackOf(work, op.id) }, index: work.tracks.findIndex((t) => t.id === op.id),
    notes: [...work.notes.values()].filter((n) => n.track === op.id),
  }],
  'chord.add': (work, op) => [{ kind: 'chord.delete', id: op.id }],
  'chord.update': (work, op) => update('chord.update', op, work.chords.get(op.id), CHORD_FIELDS),
  'chord.delete': (work, op) => [{ kind: 'chord.add', chord: work.chords.get(op.id) }],
  'cue.add': (work, op) => [{ kind: 'cue.delete', id: op.id }],
  'cue.update': (work, op) => update('cue.update', op, work.cues.get(op.id), CUE_FIELDS),
  'cue.delete': (work, op) => [{ kind: 'cue.add', cue: work.cues.get(op.id) }],
  'tempo.set': (work, op) => {
    const before = tempoAt(work, op.bar);
    if (!before) return [{ kind: 'tempo.delete', bar: op.bar }];
    return before.tempo === op.tempo ? [] : [{ kind: 'tempo.set', bar: op.bar, tempo: before.tempo }];
  },
  'tempo.delete': (work, op) => {
    const change = tempoAt(work, op.bar); // none: the op fails as a conflict right after this
    return change ? [{ kind: 'tempo.set', bar: op.bar, tempo: change.tempo, change }] : [];
  },
  'piece.update': (work, op) => nonEmpty({ kind: 'piece.update', restore: changed(work.piece, op, PIECE_FIELDS) }),
  'bars.insert': (work, op) => {
    const at = op.at * barTicks(work.piece.time_signature);
    return [{ kind: 'bars.delete', at: op.at, count: countOf(op), restore: durations(crossing(work.notes, at)),
      chordRestore: durations(crossing(work.chords, at)) }];
  },
  'bars.delete': (work, op) => {
    const size = barTicks(work.piece.time_signature);
    const count = countOf(op);
    const [cutStart, cutEnd] = [op.at * size, (op.at + count) * size];
    // Tempo changes in the cut go, and so does one that would land on bar 0 (fold-piece-data.js).
    const goes = (c) => (c.bar >= op.at && c.bar < op.at + count) || (c.bar >= op.at + count && c.bar - count < 1);
    return [{
      kind: 'bars.insert', at: op.at, count,
      notes: startingIn(work.notes, cutStart, cutEnd), restore: durations(crossing(work.notes, cutStart)),
      chords: startingIn(work.chords, cutStart, cutEnd), chordRestore: durations(crossing(work.chords, cutStart)),
      tempo: work.tempo.filter(goes),
    }];
  },
};

// What each part expects to find when it is undone: the state its op left (`work` right after the op).
// For bars parts: the bar structure, and where the notes whose durations they restore start and end.
const spanOf = (map, id) => pick(map.get(id), ['id', 'start', 'duration']);
const structure = (work, part) => ({
  bars: work.piece.bars, time_signature: work.piece.time_signature,
  notes: part.restore.map(({ id }) => spanOf(work.notes, id)),
  chords: part.chordRestore.map(({ id }) => spanOf(work.chords, id)),
});
const EXPECT = {
  'note.delete': (work, part) => pick(work.notes.get(part.id), NOTE_FIELDS),
  'note.update': (work, part) => pick(work.notes.get(part.id), Object.keys(part.restore)),
  'note.add': () => null,
  'track.delete': (work, part) => ({ ...trackOf(work, part.id) }),
  'track.update': (work, part) => pick(trackOf(work, part.id), Object.keys(part.restore)),
  'track.move': (work, part) => work.tracks.findIndex((t) => t.id === part.id),
  'track.add': () => null,
  'chord.delete': (work, part) => pick(work.chords.get(part.id), CHORD_FIELDS),
  'chord.update': (work, part) => pick(work.chords.get(part.id), Object.keys(part.restore)),
  'chord.add': () => null,
  'cue.delete': (work, part) => pick(work.cues.get(part.id), CUE_FIELDS),
  'cue.update': (work, part) => pick(work.cues.get(part.id), Object.keys(part.restore)),
  'cue.add': () => null,
  'tempo.delete': (work, part) => tempoAt(work, part.bar)?.tempo ?? null,
  'tempo.set': (work, part) => tempoAt(work, part.bar)?.tempo ?? null,
  'piece.update': (work, part) => pick(work.piece, Object.keys(part.restore)),
  'bars.delete': structure,
  'bars.insert': structure,
};
