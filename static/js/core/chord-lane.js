// The chord lane's rules, pure (tests/js/chord-lane.test.mjs): where Tab goes (the harmonic rhythm: a chord
// per bar, per half bar or per beat), and the ops for typing, moving, resizing and deleting a chord. The
// server and the fold decide what is allowed (chords inside the piece, never overlapping); these only
// build the edit people mean. Ticks at 480 per quarter.
import { chordAdd, chordDelete, chordUpdate } from './ops.js';
import { parseChord } from './symbols.js';
import { barTicks, beatTicks } from './ticks.js';

export const RHYTHMS = Object.freeze({ bar: 'a chord per bar', half: 'per half bar', beat: 'per beat' });

/**
 * The harmonic rhythm's step in ticks. A half bar is half the bar's beats, rounded up (3/4: 2 beats, then 1).
 * @param {[number, number]} timeSignature
 * @param {'bar'|'half'|'beat'} rhythm
 */
export function rhythmStep(timeSignature, rhythm) {
  const bar = barTicks(timeSignature);
  const beat = beatTicks(timeSignature);
  if (rhythm === 'beat') return beat;
  if (rhythm === 'half') return Math.min(bar, Math.ceil(timeSignature[0] / 2) * beat);
  return bar;
}

/** The positions Tab stops at: in each bar, its start and every step after it. */
function stops(timeSignature, rhythm) {
  return { bar: barTicks(timeSignature), step: rhythmStep(timeSignature, rhythm) };
}

/**
 * The next (direction 1) or previous (-1) position after `tick` (Tab / Shift+Tab), inside [0, end).
 * @returns {number|null} null past either end
 */
export function stepPosition(tick, direction, { timeSignature, rhythm, end }) {
  const { bar, step } = stops(timeSignature, rhythm);
  const barStart = Math.floor(tick / bar) * bar;
  let next;
  if (direction > 0) {
    const inBar = Math.floor((tick - barStart) / step) * step + step;
    next = inBar >= bar ? barStart + bar : barStart + inBar;
  } else if (tick > barStart) {
    next = barStart + Math.ceil((tick - barStart) / step) * step - step;
  } else {
    const previous = barStart - bar;
    next = previous < 0 ? -1 : previous + Math.floor((bar - 1) / step) * step;
  }
  return next >= 0 && next < end ? next : null;
}

/** The position at or before `tick` that Tab would stop at (where a click in the lane types). */
export function snapPosition(tick, { timeSignature, rhythm }) {
  const { bar, step } = stops(timeSignature, rhythm);
  const barStart = Math.floor(Math.max(0, tick) / bar) * bar;
  return barStart + Math.floor((Math.max(0, tick) - barStart) / step) * step;
}

const sorted = (state) => Object.values(state.chords ?? {}).sort((a, b) => a.start - b.start);

/** The chord sounding at `tick` (start <= tick < end), or null. */
export function chordAt(state, tick) {
  return sorted(state).find((c) => c.start <= tick && tick < c.start + c.duration) ?? null;
}

/** The chord starting exactly at `tick`, or null. */
export const chordStartingAt = (state, tick) => sorted(state).find((c) => c.start === tick) ?? null;

/**
 * The ops for typing `text` at `tick`: a new chord lasts one harmonic-rhythm step (less if the next chord
 * or the piece's end comes first); typing where a chord starts changes its symbol; typing inside a chord
 * ends it there; an empty text deletes the chord starting there. Throws the parser's OpError for a symbol
 * it cannot read (nothing changes).
 * @returns {object[]} ops (none when nothing changes)
 */
export function typeChordOps(state, tick, text, { timeSignature, rhythm, end }) {
  const here = chordStartingAt(state, tick);
  if (!String(text).trim()) return here ? [chordDelete(here.id)] : [];
  const symbol = parseChord(text).symbol;
  if (here) return here.symbol === symbol ? [] : [chordUpdate(here.id, { symbol })];
  const ops = [];
  const around = chordAt(state, tick);
  if (around) ops.push(chordUpdate(around.id, { duration: tick - around.start }));
  const next = sorted(state).find((c) => c.start > tick);
  const stop = Math.min(tick + rhythmStep(timeSignature, rhythm), next ? next.start : end, end);
  ops.push(chordAdd({ start: tick, duration: stop - tick, symbol }));
  return ops;
}

/** Move a chord by `delta` ticks (kept inside the piece). */
export function moveChordOps(state, id, delta, end) {
  const chord = state.chords[id];
  if (!chord) return [];
  const start = Math.max(0, Math.min(end - chord.duration, chord.start + delta));
  return start === chord.start ? [] : [chordUpdate(id, { start })];
}

/** Make a chord last `duration` ticks (at least `minimum`, kept inside the piece). */
export function resizeChordOps(state, id, duration, end, minimum = 1) {
  const chord = state.chords[id];
  if (!chord) return [];
  const length = Math.max(minimum, Math.min(end - chord.start, Math.round(duration)));
  return length === chord.duration ? [] : [chordUpdate(id, { duration: length })];
}

/** The chords that show between two ticks, in time order. */
export function chordsBetween(state, from, to) {
  return sorted(state).filter((c) => c.start < to && c.start + c.duration > from);
}
