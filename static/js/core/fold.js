// The op handlers of the fold (a port of composer_ui/state.py's _note_add ... _bars_delete), working on
// a mutable working copy: {piece, tracks, notes: Map id -> note, log}. state.js makes the copy and turns
// it back into a plain state; callers never see it change.
//
// A Map while folding, because it keeps insertion order for every id (objects put "12" first) and treats
// "__proto__" as an ordinary key. Every change goes through setNote/deleteNote/setPiece/saveTracks, which
// log what they overwrite, so rollback() can undo a failed message without copying the piece again
// (undo.js tries many small messages on one copy).
import { barTicks } from './ticks.js';
import { OpError } from './schema.js';
import { PIECE_FIELDS, TRACK_FIELDS } from './util.js';

/**
 * A working copy of a state: one shallow copy of its containers (notes and tracks are shared, never changed).
 * @param {{piece: object, tracks: object[], notes: Object<string, object>}} state
 */
export function openWork(state) {
  const notes = new Map();
  // A keys loop: Object.entries would allocate a pair per note (2x slower at 20,000 notes).
  for (const id of Object.keys(state.notes)) notes.set(id, state.notes[id]);
  return { piece: { ...state.piece }, tracks: [...state.tracks], notes, log: [] };
}

/** The plain state of a working copy (a fresh object; the copy can go on being used). */
export function closeWork(work) {
  return { piece: work.piece, tracks: [...work.tracks], notes: Object.fromEntries(work.notes) };
}

/**
 * Undo every change logged after `mark` (a former work.log.length). A note that comes back is re-inserted
 * last, so only the order of ids can differ from before.
 */
export function rollback(work, mark) {
  while (work.log.length > mark) {
    const [what, key, previous] = work.log.pop();
    if (what === 'piece') work.piece = previous;
    else if (what === 'tracks') work.tracks = previous;
    else if (previous === undefined) work.notes.delete(key);
    else work.notes.set(key, previous);
  }
}

function setNote(work, id, note) {
  work.log.push(['note', id, work.notes.get(id)]);
  work.notes.set(id, note);
}

function deleteNote(work, id) {
  work.log.push(['note', id, work.notes.get(id)]);
  work.notes.delete(id);
}

function setPiece(work, piece) {
  work.log.push(['piece', null, work.piece]);
  work.piece = piece;
}

function saveTracks(work) {
  work.log.push(['tracks', null, [...work.tracks]]);
}

/**
 * The length of the whole piece in ticks.
 * @param {{time_signature: number[], bars: number}} piece
 */
export function pieceTicks(piece) {
  return barTicks(piece.time_signature) * piece.bars;
}

const has = (op, field) => op[field] !== undefined;
const pickPresent = (op, fields) => Object.fromEntries(fields.filter((f) => has(op, f)).map((f) => [f, op[f]]));

// -- notes ---------------------------------------------------------------------

function noteAdd(state, op, actor) {
  if (state.notes.has(op.id)) throw new OpError('conflict', `note '${op.id}' already exists`);
  trackOrConflict(state, op.track);
  const provenance = op.provenance || {};
  const author = Object.hasOwn(provenance, 'author') ? provenance.author : actor;
  const note = {
    id: op.id, track: op.track, start: op.start, duration: op.duration, pitch: op.pitch,
    velocity: has(op, 'velocity') ? op.velocity : 96,
    author,
    job: provenance.job ?? null,
    candidate: provenance.candidate ?? null,
    accepted_by: provenance.accepted_by ?? null,
    last_editor: Object.hasOwn(provenance, 'last_editor') ? provenance.last_editor : author,
    human_edited: Object.hasOwn(provenance, 'human_edited') ? provenance.human_edited : false,
  };
  checkNoteFits(state, note);
  setNote(state, note.id, note);
}

function noteUpdate(state, op, actor) {
  let note = noteOrConflict(state, op.id);
  const changes = pickPresent(op, ['start', 'duration', 'pitch', 'velocity', 'track']);
  if (has(changes, 'track')) trackOrConflict(state, changes.track);
  note = { ...note, ...changes, last_editor: actor };
  // Once a person touches a note a model wrote, it is no longer purely the model's.
  if (actor.kind === 'user' && note.author?.kind === 'model') note.human_edited = true;
  checkNoteFits(state, note);
  setNote(state, note.id, note);
}

function noteDelete(state, op) {
  noteOrConflict(state, op.id);
  deleteNote(state, op.id);
}

function noteOrConflict(state, id) {
  const note = state.notes.get(id);
  if (note === undefined) throw new OpError('conflict', `note '${id}' does not exist (deleted by someone else?)`);
  return note;
}

function checkNoteFits(state, note) {
  const end = pieceTicks(state.piece);
  if (note.start + note.duration > end) {
    throw new OpError('invalid', `note '${note.id}' ends at tick ${note.start + note.duration}, `
      + `after the piece's end at ${end}; add bars first`);
  }
}

// -- tracks --------------------------------------------------------------------

function trackAdd(state, op) {
  if (trackIndex(state, op.id) >= 0) throw new OpError('conflict', `track '${op.id}' already exists`);
  saveTracks(state);
  state.tracks.push({
    id: op.id, name: op.name,
    program: has(op, 'program') ? op.program : 0,
    pitch_range: has(op, 'pitch_range') ? op.pitch_range : [0, 127],
    owner: has(op, 'owner') ? op.owner : null,
    channel: has(op, 'channel') ? op.channel : freeChannel(state),
  });
}

function trackUpdate(state, op) {
  const index = trackOrConflict(state, op.id);
  saveTracks(state);
  state.tracks[index] = { ...state.tracks[index], ...pickPresent(op, TRACK_FIELDS) };
}

function trackDelete(state, op) {
  const index = trackOrConflict(state, op.id);
  saveTracks(state);
  state.tracks.splice(index, 1);
  for (const [id, note] of state.notes) if (note.track === op.id) deleteNote(state, id);
}

const trackIndex = (state, id) => state.tracks.findIndex((t) => t.id === id);

function trackOrConflict(state, id) {
  const index = trackIndex(state, id);
  if (index < 0) throw new OpError('conflict', `track '${id}' does not exist`);
  return index;
}

function freeChannel(state) {
  const used = new Set(state.tracks.map((t) => t.channel));
  // Channel 9 is General MIDI percussion: melodic tracks skip it.
  for (let c = 0; c < 16; c += 1) if (c !== 9 && !used.has(c)) return c;
  return 0;
}

// -- piece and bars ------------------------------------------------------------

function pieceUpdate(state, op) {
  setPiece(state, { ...state.piece, ...pickPresent(op, PIECE_FIELDS) });
  if (has(op, 'bars') || has(op, 'time_signature')) {
    const end = pieceTicks(state.piece);
    const late = [...state.notes.values()].filter((n) => n.start + n.duration > end);
    if (late.length) {
      throw new OpError('conflict', `${late.length} notes would lie after the new end of the piece; `
        + 'use bars.delete to remove bars with their notes');
    }
  }
}

function barsInsert(state, op) {
  const size = barTicks(state.piece.time_signature);
  const count = has(op, 'count') ? op.count : 1;
  const at = op.at * size;
  const shift = count * size;
  if (op.at > state.piece.bars) {
    throw new OpError('invalid', `cannot insert at bar ${op.at}: the piece has ${state.piece.bars} bars`);
  }
  setPiece(state, { ...state.piece, bars: state.piece.bars + count });
  for (const [id, note] of state.notes) {
    if (note.start >= at) setNote(state, id, { ...note, start: note.start + shift });
  }
}

function barsDelete(state, op) {
  const size = barTicks(state.piece.time_signature);
  const { bars } = state.piece;
  const count = has(op, 'count') ? op.count : 1;
  if (op.at + count > bars || bars - count < 1) {
    throw new OpError('invalid', `cannot delete bars ${op.at + 1}-${op.at + count}: `
      + `the piece has ${bars} bars and keeps at least one`);
  }
  const cutStart = op.at * size;
  const cutEnd = (op.at + count) * size;
  setPiece(state, { ...state.piece, bars: bars - count });
  for (const [id, note] of state.notes) {
    const start = note.start;
    const end = note.start + note.duration;
    if (cutStart <= start && start < cutEnd) deleteNote(state, id); // began in a removed bar: goes with it
    else if (start >= cutEnd) setNote(state, id, { ...note, start: start - (cutEnd - cutStart) });
    else if (end > cutStart) { // began earlier and sounded into the cut: shorten by the overlap
      setNote(state, id, { ...note, duration: note.duration - (Math.min(end, cutEnd) - cutStart) });
    }
  }
}

/** Throw OpError("too_large") (with no op index, as the server) when a working copy is over `limits`. */
export function checkLimits(state, limits) {
  if (state.notes.size > limits.notes_per_piece) {
    throw new OpError('too_large', `a piece holds at most ${limits.notes_per_piece} notes`);
  }
  if (state.tracks.length > limits.tracks_per_piece) {
    throw new OpError('too_large', `a piece holds at most ${limits.tracks_per_piece} tracks`);
  }
  if (state.piece.bars > limits.bars_per_piece) {
    throw new OpError('too_large', `a piece holds at most ${limits.bars_per_piece} bars`);
  }
}

export const APPLY = {
  'note.add': noteAdd, 'note.update': noteUpdate, 'note.delete': noteDelete,
  'track.add': trackAdd, 'track.update': trackUpdate, 'track.delete': trackDelete,
  'piece.update': pieceUpdate, 'bars.insert': barsInsert, 'bars.delete': barsDelete,
};
