// The fold's working copy of a state: {piece, tracks, notes, chords, cues (Maps id -> item), tempo (the
// sorted tempo_changes), log}. state.js makes the copy and turns it back into a plain state; the op
// handlers (fold.js, fold-tracks.js, fold-piece-data.js) change it only through the setters below, which
// log what they overwrite, so rollback() can undo a failed message without copying the piece again
// (undo.js tries many small messages on one copy).
//
// Maps while folding, because they keep insertion order for every id (objects put "12" first) and treat
// "__proto__" as an ordinary key.
import { barTicks } from './ticks.js';
import { OpError } from './util.js';

const MAPS = ['notes', 'chords', 'cues'];

function toMap(object = {}) {
  const map = new Map();
  // A keys loop: Object.entries would allocate a pair per note (2x slower at 20,000 notes).
  for (const id of Object.keys(object)) map.set(id, object[id]);
  return map;
}

/**
 * A working copy of a state: one shallow copy of its containers (items are shared, never changed).
 * A state from before piece model v2 (no chords, cues or tempo_changes) folds as if they were empty.
 * @param {{piece: object, tracks: object[], notes: object, chords?: object, cues?: object, tempo_changes?: object[]}} state
 */
export function openWork(state) {
  return {
    piece: { ...state.piece }, tracks: [...state.tracks], notes: toMap(state.notes), chords: toMap(state.chords),
    cues: toMap(state.cues), tempo: [...(state.tempo_changes || [])], log: [],
  };
}

/** The plain state of a working copy (a fresh object; the copy can go on being used). */
export function closeWork(work) {
  return {
    piece: work.piece, tracks: [...work.tracks], notes: Object.fromEntries(work.notes),
    chords: Object.fromEntries(work.chords), cues: Object.fromEntries(work.cues), tempo_changes: [...work.tempo],
  };
}

/**
 * Undo every change logged after `mark` (a former work.log.length). An item that comes back is
 * re-inserted last, so only the order of ids can differ from before.
 */
export function rollback(work, mark) {
  while (work.log.length > mark) {
    const [what, key, previous] = work.log.pop();
    if (!MAPS.includes(what)) work[what] = previous;
    else if (previous === undefined) work[what].delete(key);
    else work[what].set(key, previous);
  }
}

/** Set item `id` of one of the maps ("notes", "chords", "cues"). */
export function setItem(work, map, id, item) {
  work.log.push([map, id, work[map].get(id)]);
  work[map].set(id, item);
}

/** Delete item `id` of one of the maps. */
export function deleteItem(work, map, id) {
  work.log.push([map, id, work[map].get(id)]);
  work[map].delete(id);
}

export function setPiece(work, piece) {
  work.log.push(['piece', null, work.piece]);
  work.piece = piece;
}

/** Call before changing work.tracks in place: it logs the list as it was. */
export function saveTracks(work) {
  work.log.push(['tracks', null, [...work.tracks]]);
}

/** Replace the tempo changes (a new sorted array). */
export function setTempo(work, changes) {
  work.log.push(['tempo', null, work.tempo]);
  work.tempo = changes;
}

/**
 * The length of the whole piece in ticks.
 * @param {{time_signature: number[], bars: number}} piece
 */
export function pieceTicks(piece) {
  return barTicks(piece.time_signature) * piece.bars;
}

export const has = (op, field) => op[field] !== undefined;
export const pickPresent = (op, fields) => Object.fromEntries(fields.filter((f) => has(op, f)).map((f) => [f, op[f]]));

/** Provenance of a new note or chord: the actor, unless a trusted op says otherwise (as fold_common.authored). */
export function authored(op, actor) {
  const provenance = op.provenance || {};
  const author = Object.hasOwn(provenance, 'author') ? provenance.author : actor;
  return {
    author,
    job: provenance.job ?? null,
    candidate: provenance.candidate ?? null,
    accepted_by: provenance.accepted_by ?? null,
    last_editor: Object.hasOwn(provenance, 'last_editor') ? provenance.last_editor : author,
    human_edited: Object.hasOwn(provenance, 'human_edited') ? provenance.human_edited : false,
  };
}

/** An item after an edit: once a person touches what a model wrote, it is no longer purely the model's. */
export function edited(item, changes, actor) {
  const out = { ...item, ...changes, last_editor: actor };
  if (actor.kind === 'user' && out.author?.kind === 'model') out.human_edited = true;
  return out;
}

export function checkSpanFits(work, item, what) {
  const end = pieceTicks(work.piece);
  if (item.start + item.duration > end) {
    throw new OpError('invalid', `${what} '${item.id}' ends at tick ${item.start + item.duration}, `
      + `after the piece's end at ${end}; add bars first`);
  }
}

/** Spans (notes or chords) starting at or after tick `at` move right by `shift`. */
export function insertIntoSpans(work, map, at, shift) {
  for (const [id, span] of work[map]) {
    if (span.start >= at) setItem(work, map, id, { ...span, start: span.start + shift });
  }
}

/** Spans starting in the cut go; later ones move left; ones sounding into the cut are shortened. */
export function cutSpans(work, map, cutStart, cutEnd) {
  for (const [id, span] of work[map]) {
    const { start } = span;
    const end = span.start + span.duration;
    if (cutStart <= start && start < cutEnd) deleteItem(work, map, id); // began in a removed bar: goes with it
    else if (start >= cutEnd) setItem(work, map, id, { ...span, start: start - (cutEnd - cutStart) });
    else if (end > cutStart) { // began earlier and sounded into the cut: shorten by the overlap
      setItem(work, map, id, { ...span, duration: span.duration - (Math.min(end, cutEnd) - cutStart) });
    }
  }
}
