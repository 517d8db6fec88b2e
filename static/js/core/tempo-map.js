// The tempo map: ticks (480 per quarter) <-> seconds for a meter, the bar-0 tempo and tempo changes at
// bar starts. The exact port of engine/picture/tempo_map.py: the same float operations in the same order,
// so both sides give equal numbers (tests/js/tempo-map.test.mjs checks fixtures Python writes).
//
// Tempo is quarter notes per minute in every meter. With no changes this is exactly today's arithmetic
// (static/js/audio/player.js): seconds = ticks / (tempo / 60 * 480), ticks = seconds * (tempo / 60) * 480.
// Bars count from 0; a change's bar is >= 1. Picture time adds the piece's start_offset_us.
// Pure: no DOM, no I/O.
import { barTicks, beatTicks, TICKS_PER_QUARTER } from './ticks.js';

const isWhole = (v) => Number.isSafeInteger(v) && v >= 1;

function checkTempo(value, where) {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${where}: a tempo is a number of quarter notes per minute above 0, not ${String(value)}`);
  }
  return value;
}

/**
 * The map of a piece.
 * @param {[number, number]} timeSignature
 * @param {number} tempo the bar-0 tempo (the piece's `tempo`)
 * @param {Array<{bar: number, tempo: number}|[number, number]>} [tempoChanges] sorted by bar, bar >= 1
 * @returns {{timeSignature: [number, number], segments: {startTick: number, startSeconds: number, tempo: number}[]}}
 */
export function tempoMap(timeSignature, tempo, tempoChanges = []) {
  const [beats, unit] = timeSignature;
  if (!isWhole(beats) || !isWhole(unit)) {
    throw new RangeError(`a time signature is [beats, unit] of whole numbers >= 1, not ${String(timeSignature)}`);
  }
  const perBar = barTicks(timeSignature);
  if (perBar < 1) throw new RangeError(`a bar of ${beats}/${unit} is shorter than a tick`);
  const segments = [{ startTick: 0, startSeconds: 0, tempo: checkTempo(tempo, 'bar 0') }];
  for (const change of tempoChanges) {
    const [bar, bpm] = Array.isArray(change) ? change : [change.bar, change.tempo];
    if (!isWhole(bar)) throw new RangeError(`a tempo change is at a bar >= 1, not ${String(bar)}`);
    const start = bar * perBar;
    const last = segments[segments.length - 1];
    if (start <= last.startTick) throw new RangeError(`tempo changes must be sorted by bar, one per bar (bar ${bar})`);
    const seconds = last.startSeconds + (start - last.startTick) / (last.tempo / 60 * TICKS_PER_QUARTER);
    segments.push({ startTick: start, startSeconds: seconds, tempo: checkTempo(bpm, `bar ${bar}`) });
  }
  return { timeSignature: [beats, unit], segments };
}

/** The last segment whose start (by `key`) is at or before `value`; the first for earlier values. */
function segmentAt(map, key, value) {
  let lo = 0;
  let hi = map.segments.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (map.segments[mid][key] <= value) lo = mid + 1;
    else hi = mid;
  }
  return map.segments[Math.max(lo - 1, 0)];
}

/** Seconds after bar 0's downbeat at which `ticks` plays. */
export function ticksToSeconds(map, ticks) {
  const seg = segmentAt(map, 'startTick', ticks);
  return seg.startSeconds + (ticks - seg.startTick) / (seg.tempo / 60 * TICKS_PER_QUARTER);
}

/** The (fractional) tick that plays `seconds` after bar 0's downbeat. */
export function secondsToTicks(map, seconds) {
  const seg = segmentAt(map, 'startSeconds', seconds);
  return seg.startTick + (seconds - seg.startSeconds) * (seg.tempo / 60) * TICKS_PER_QUARTER;
}

export function tempoAt(map, ticks) {
  return segmentAt(map, 'startTick', ticks).tempo;
}

/** Picture time in microseconds (not rounded) of `ticks` when bar 0's downbeat is at `startOffsetUs`. */
export function ticksToUs(map, ticks, startOffsetUs = 0) {
  return startOffsetUs + ticksToSeconds(map, ticks) * 1_000_000;
}

export function usToTicks(map, us, startOffsetUs = 0) {
  return secondsToTicks(map, (us - startOffsetUs) / 1_000_000);
}

/** {bar, beat, ticks}: 0-based bar and beat of a (fractional) tick, and the ticks after that beat. */
export function position(map, ticks) {
  const perBar = barTicks(map.timeSignature);
  const perBeat = beatTicks(map.timeSignature);
  const bar = Math.floor(ticks / perBar);
  const intoBar = ticks - bar * perBar;
  // min: a float that rounds up to the next bar line still belongs to this bar's last beat
  const beat = Math.min(Math.floor(intoBar / perBeat), Math.floor((perBar - 1) / perBeat));
  return { bar, beat, ticks: intoBar - beat * perBeat };
}

/** Bar, beat and ticks into the beat of the moment `seconds` after bar 0's downbeat. */
export function barBeat(map, seconds) {
  return position(map, secondsToTicks(map, seconds));
}
