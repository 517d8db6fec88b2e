// Quantize: pull note starts (and optionally ends) towards a grid, by a strength from 0 (no change)
// to 1 (exactly on the grid), as DAWs' "Q" does. The result is note.update ops, so quantizing is an
// ordinary edit: it syncs, and undoes, like any other.
import { pieceTicks } from './state.js';
import { snap, snapDown } from './ticks.js';

/**
 * Where one note goes. Rules, in order:
 * 1. start moves toward the nearest grid line by `strength` (rounded to whole ticks), never below 0;
 * 2. with `ends`, the end moves the same way; an end that would land at or before the new start goes
 *    one grid step (times strength) after the start instead: a note never collapses. Without `ends` the
 *    duration is kept;
 * 3. the note stays inside the piece: a start at or past the end moves back a grid line, and an end past
 *    the piece's end is cut there;
 * 4. the duration is never below 1 tick.
 * @param {{start: number, duration: number}} note
 * @param {number} grid ticks between grid lines
 * @param {{strength?: number, ends?: boolean, pieceEnd?: number}} [options] pieceEnd in ticks (Infinity by default)
 * @returns {{start: number, duration: number}}
 */
export function quantizeNote(note, grid, { strength = 1, ends = false, pieceEnd = Infinity } = {}) {
  if (!(grid >= 1)) throw new RangeError('grid must be at least 1 tick');
  const s = Math.min(1, Math.max(0, strength));
  const toward = (tick, target) => tick + Math.round((target - tick) * s);
  let start = Math.max(0, toward(note.start, snap(note.start, grid)));
  if (start >= pieceEnd) start = toward(note.start, snapDown(note.start, grid));
  let end = start + note.duration;
  if (ends) {
    const oldEnd = note.start + note.duration;
    end = toward(oldEnd, snap(oldEnd, grid));
    if (end <= start) end = start + Math.max(1, Math.round(grid * s));
  }
  end = Math.min(end, pieceEnd);
  return { start, duration: Math.max(1, end - start) };
}

/**
 * The note.update ops that quantize the given notes of `state` (notes already in place give no op).
 * @param {object} state
 * @param {string[]} ids the notes to quantize (usually the selection)
 * @param {number} grid ticks
 * @param {{strength?: number, ends?: boolean}} [options]
 * @returns {object[]} note.update ops
 */
export function quantizeOps(state, ids, grid, options = {}) {
  const pieceEnd = pieceTicks(state.piece);
  const ops = [];
  for (const id of ids) {
    const note = Object.hasOwn(state.notes, id) ? state.notes[id] : undefined;
    if (!note) continue;
    const q = quantizeNote(note, grid, { ...options, pieceEnd });
    const op = { op: 'note.update', id };
    if (q.start !== note.start) op.start = q.start;
    if (q.duration !== note.duration) op.duration = q.duration;
    if (Object.keys(op).length > 2) ops.push(op);
  }
  return ops;
}
