// The op handlers of the fold (a port of composer_ui/state.py's _note_add ... _bars_delete), working on a
// mutable working copy (fold-work.js); tracks live in fold-tracks.js, chords, cues and the tempo map in
// fold-piece-data.js. state.js makes the copy and turns it back into a plain state; callers never see it
// change.
import { checkPieceEnd, deleteBars, insertBars, PIECE_DATA_OPS } from './fold-piece-data.js';
import { TRACK_OPS, trackOrConflict } from './fold-tracks.js';
import {
  authored, checkSpanFits, cutSpans, deleteItem, edited, has, insertIntoSpans, pickPresent, pieceTicks, setItem,
  setPiece,
} from './fold-work.js';
import { barTicks } from './ticks.js';
import { NOTE_FIELDS, OpError, PIECE_FIELDS } from './util.js';

export { closeWork, openWork, pieceTicks, rollback } from './fold-work.js';

// -- notes ---------------------------------------------------------------------

function noteAdd(work, op, actor) {
  if (work.notes.has(op.id)) throw new OpError('conflict', `note '${op.id}' already exists`);
  trackOrConflict(work, op.track);
  const note = {
    id: op.id, track: op.track, start: op.start, duration: op.duration, pitch: op.pitch,
    velocity: has(op, 'velocity') ? op.velocity : 96, ...authored(op, actor),
  };
  checkSpanFits(work, note, 'note');
  setItem(work, 'notes', note.id, note);
}

function noteUpdate(work, op, actor) {
  const previous = noteOrConflict(work, op.id);
  const changes = pickPresent(op, NOTE_FIELDS);
  if (has(changes, 'track')) trackOrConflict(work, changes.track);
  const note = edited(previous, changes, actor);
  checkSpanFits(work, note, 'note');
  setItem(work, 'notes', note.id, note);
}

function noteDelete(work, op) {
  noteOrConflict(work, op.id);
  deleteItem(work, 'notes', op.id);
}

function noteOrConflict(work, id) {
  const note = work.notes.get(id);
  if (note === undefined) throw new OpError('conflict', `note '${id}' does not exist (deleted by someone else?)`);
  return note;
}

// -- piece and bars ------------------------------------------------------------

function pieceUpdate(work, op) {
  setPiece(work, { ...work.piece, ...pickPresent(op, PIECE_FIELDS) });
  if (has(op, 'bars') || has(op, 'time_signature')) {
    const end = pieceTicks(work.piece);
    const late = [...work.notes.values()].filter((n) => n.start + n.duration > end);
    if (late.length) {
      throw new OpError('conflict', `${late.length} notes would lie after the new end of the piece; `
        + 'use bars.delete to remove bars with their notes');
    }
    checkPieceEnd(work);
  }
}

function barsInsert(work, op) {
  const size = barTicks(work.piece.time_signature);
  const count = has(op, 'count') ? op.count : 1;
  if (op.at > work.piece.bars) {
    throw new OpError('invalid', `cannot insert at bar ${op.at}: the piece has ${work.piece.bars} bars`);
  }
  setPiece(work, { ...work.piece, bars: work.piece.bars + count });
  insertIntoSpans(work, 'notes', op.at * size, count * size);
  insertBars(work, op.at, count);
}

function barsDelete(work, op) {
  const size = barTicks(work.piece.time_signature);
  const { bars } = work.piece;
  const count = has(op, 'count') ? op.count : 1;
  if (op.at + count > bars || bars - count < 1) {
    throw new OpError('invalid', `cannot delete bars ${op.at + 1}-${op.at + count}: `
      + `the piece has ${bars} bars and keeps at least one`);
  }
  deleteBars(work, op.at, count);
  setPiece(work, { ...work.piece, bars: bars - count });
  cutSpans(work, 'notes', op.at * size, (op.at + count) * size);
}

/** Throw OpError("too_large") (with no op index, as the server) when a working copy is over `limits`. */
export function checkLimits(work, limits) {
  const counts = [['notes_per_piece', work.notes.size, 'notes'], ['tracks_per_piece', work.tracks.length, 'tracks'],
    ['bars_per_piece', work.piece.bars, 'bars'], ['chords_per_piece', work.chords.size, 'chords'],
    ['cues_per_piece', work.cues.size, 'cues']];
  for (const [limit, count, what] of counts) {
    if (count > limits[limit]) throw new OpError('too_large', `a piece holds at most ${limits[limit]} ${what}`);
  }
}

export const APPLY = {
  'note.add': noteAdd, 'note.update': noteUpdate, 'note.delete': noteDelete,
  ...TRACK_OPS,
  'piece.update': pieceUpdate, 'bars.insert': barsInsert, 'bars.delete': barsDelete,
  ...PIECE_DATA_OPS,
};
