// The shape of every op, checked before anything is applied: a port of composer_ui/op_schema.py.
//
// It must refuse exactly what the server refuses, so a local edit that passes here is not bounced as
// `invalid` later. Known, accepted differences (both come from JSON, not from this code):
// - JS cannot tell 5 from 5.0 after JSON.parse; Python refuses the float. Our own ops always serialise
//   integers as "5", so this never reaches the server from this client.
// - A field whose value is `undefined` counts as absent, because JSON.stringify drops it on the wire.

import { isCanonicalChord, normalizeChord, normalizeKey } from './symbols.js';
import { RATE_NAMES } from './timecode.js';
import { OpError } from './util.js';

export { OpError };

/** The most ticks a start or duration may hold (op_schema.MAX_TICK). */
export const MAX_TICK = 10_000_000;
// Python's `$` also matches before one final "\n" (re.match without fullmatch); the `\n?` copies that
// quirk so the two sides agree on every id and key the server accepts.
export const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
const KEY_PATTERN = /^[A-G](#|b)? (major|minor)$/;
const DENOMINATORS = [1, 2, 4, 8, 16, 32];
const COLOUR_PATTERN = /^#[0-9a-f]{6}$/;
/** Timecode rates of piece.update `fps` (core/timecode.js names them). */
export const FPS = RATE_NAMES;
/** The kinds of a cue. */
export const CUE_KINDS = Object.freeze(['hit', 'cadence', 'start', 'stop']);
/** A day of picture time in microseconds: the most a cue's time_us or the piece's start_offset_us holds. */
export const MAX_TIME_US = 86_400_000_000;
export const AI_MODES = Object.freeze(['free', 'alternate', 'teacher_approves']);
export const AI_OPERATIONS = Object.freeze(['continue', 'infill', 'harmonize', 'vary']);
/** A name of one of the studio's models (op_schema.MODEL_NAME); a piece's ai_models lists at most MAX_AI_MODELS. */
export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
export const MAX_AI_MODELS = 32;
/** Ops whose id the server fills in when a client leaves it out. */
export const ID_FILLED = new Set(['note.add', 'track.add', 'chord.add', 'cue.add']);
// Python's str.strip() whitespace (str.isspace), which differs from JS's \s (\x1c-\x1f, \x85; no \ufeff).
const PY_SPACE = '[\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const PY_STRIP = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, 'g');
const MAX_USER_ID = 2 ** 31 - 1; // as op_schema.MAX_USER_ID

const fail = (message) => { throw new OpError('invalid', message); };
const isInt = (v) => typeof v === 'number' && Number.isInteger(v);
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

const int = (lo, hi) => (v, name) => {
  if (!isInt(v) || v < lo || v > hi) fail(`${name} must be an integer from ${lo} to ${hi}`);
};
// As op_schema.UNPRINTABLE: control characters and lone surrogates (the database refuses NUL and surrogates).
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\p{Cs}]/u;
const text = (max) => (v, name) => {
  // len() counts code points, as [...s] does; String.length would count UTF-16 units.
  // The length counts padding too (as stored); only the blank test strips.
  const ok = typeof v === 'string' && v.replace(PY_STRIP, '') !== '' && [...v].length <= max;
  if (!ok) fail(`${name} must be text of 1 to ${max} characters`);
  if (UNPRINTABLE.test(v)) fail(`${name} must not contain control characters`);
};
const label = (max) => (v, name) => { // may be empty (a cue needs no label)
  if (typeof v !== 'string' || [...v].length > max) fail(`${name} must be text of 0 to ${max} characters`);
  if (UNPRINTABLE.test(v)) fail(`${name} must not contain control characters`);
};
const colour = (v, name) => {
  if (typeof v !== 'string' || !COLOUR_PATTERN.test(v)) fail(`${name} must be '#rrggbb' in lowercase hex, e.g. '#4e79a7'`);
};
const oneOf = (choices) => (v, name) => {
  if (typeof v !== 'string' || !choices.includes(v)) fail(`${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}`);
};
const chordSymbol = (v, name) => {
  if (!isCanonicalChord(v)) {
    fail(`${name} must be a chord symbol in its canonical spelling (e.g. 'F#m7', 'Bb7', 'C/E', 'N.C.'); `
      + 'normalizeOps rewrites what people type');
  }
};
const identifier = (v, name) => {
  if (typeof v !== 'string' || !ID_PATTERN.test(v)) fail(`${name} must be 1-64 letters, digits or _ . : -`);
};
const bool = (v, name) => { if (typeof v !== 'boolean') fail(`${name} must be true or false`); };
const owner = (v, name) => {
  if (v !== null && (!isInt(v) || v < 1 || v > MAX_USER_ID)) fail(`${name} must be a user id or null`);
};
const pitchRange = (v, name) => {
  if (!Array.isArray(v) || v.length !== 2 || !v.every(isInt) || !(0 <= v[0] && v[0] <= v[1] && v[1] <= 127)) {
    fail(`${name} must be [low, high] with 0 <= low <= high <= 127`);
  }
};
const timeSignature = (v, name) => {
  if (!Array.isArray(v) || v.length !== 2 || !v.every(isInt) || v[0] < 1 || v[0] > 32
      || !DENOMINATORS.includes(v[1])) fail(`${name} must be [beats, unit] with beats 1-32 and unit in 1..32`);
};
const key = (v, name) => {
  if (typeof v !== 'string' || !KEY_PATTERN.test(v)) fail(`${name} must look like 'C major' or 'F# minor'`);
};
const aiMode = (v, name) => { if (!AI_MODES.includes(v)) fail(`${name} must be one of ${AI_MODES.join(', ')}`); };
const aiOperations = (v, name) => {
  if (!Array.isArray(v) || v.length > AI_OPERATIONS.length || v.some((x) => !AI_OPERATIONS.includes(x))) {
    fail(`${name} must be a list drawn from ${AI_OPERATIONS.join(', ')}`);
  }
};
const aiModels = (v, name) => {
  if (v === 'all') return;
  if (!Array.isArray(v) || v.length > MAX_AI_MODELS || new Set(v).size !== v.length
      || v.some((x) => typeof x !== 'string' || !MODEL_NAME.test(x))) {
    fail(`${name} must be "all" or a list of at most ${MAX_AI_MODELS} distinct model names`);
  }
};
const provenance = (v, name) => { if (!isObject(v)) fail(`${name} must be an object`); };

const TICK = int(0, MAX_TICK);
const DURATION = int(1, MAX_TICK);
const PITCH = int(0, 127);
const VELOCITY = int(1, 127);
const BAR_INDEX = int(0, 10_000);
const BAR_COUNT = int(1, 1_000);
const TRACK_INDEX = int(0, 10_000); // against the number of tracks in the fold
const LEVEL = int(0, 127); // MIDI CC 7 (volume) and CC 10 (pan, 64 = centre)
const TIME_US = int(0, MAX_TIME_US);
const BAR_START = int(1, 10_000);
const TRACK_OPTIONAL = {
  program: int(0, 127), pitch_range: pitchRange, owner, channel: int(0, 15), colour, volume: LEVEL, pan: LEVEL,
};

// op name -> [required fields, optional fields], each field -> checker
const SCHEMA = {
  'note.add': [{ track: identifier, start: TICK, duration: DURATION, pitch: PITCH },
    { id: identifier, velocity: VELOCITY, provenance }],
  'note.update': [{ id: identifier },
    { start: TICK, duration: DURATION, pitch: PITCH, velocity: VELOCITY, track: identifier }],
  'note.delete': [{ id: identifier }, {}],
  'track.add': [{ name: text(80) }, { id: identifier, ...TRACK_OPTIONAL, index: TRACK_INDEX }],
  'track.update': [{ id: identifier }, { name: text(80), ...TRACK_OPTIONAL }],
  'track.move': [{ id: identifier, index: TRACK_INDEX }, {}],
  'track.delete': [{ id: identifier }, {}],
  'piece.update': [{}, {
    title: text(200), tempo: int(20, 400), time_signature: timeSignature, key, bars: int(1, 1_000),
    own_tracks_only: bool, ai_enabled: bool, ai_mode: aiMode, ai_operations: aiOperations,
    ai_quota_per_hour: int(0, 1_000), ai_models: aiModels, fps: oneOf(FPS), start_offset_us: TIME_US,
  }],
  'bars.insert': [{ at: BAR_INDEX }, { count: BAR_COUNT }],
  'bars.delete': [{ at: BAR_INDEX }, { count: BAR_COUNT }],
  'chord.add': [{ start: TICK, duration: DURATION, symbol: chordSymbol }, { id: identifier, provenance }],
  'chord.update': [{ id: identifier }, { start: TICK, duration: DURATION, symbol: chordSymbol }],
  'chord.delete': [{ id: identifier }, {}],
  'cue.add': [{ time_us: TIME_US, kind: oneOf(CUE_KINDS) }, { id: identifier, label: label(80), provenance }],
  'cue.update': [{ id: identifier }, { time_us: TIME_US, label: label(80), kind: oneOf(CUE_KINDS) }],
  'cue.delete': [{ id: identifier }, {}],
  'tempo.set': [{ bar: BAR_START, tempo: int(20, 400) }, { provenance }],
  'tempo.delete': [{ bar: BAR_START }, {}],
};
/** Every op name the protocol knows. */
export const OP_NAMES = Object.freeze(Object.keys(SCHEMA));
/** Fields only the server may write (accepted AI proposals, imports). */
export const TRUSTED_ONLY = new Set(['provenance']);

/** The names of an op's fields that are present (own, not undefined), `op` excluded. */
export function fieldsOf(op) {
  return Object.keys(op).filter((k) => k !== 'op' && op[k] !== undefined);
}

/**
 * Throw OpError("invalid") unless `op` is well formed.
 * @param {object} op
 * @param {{trusted?: boolean}} [options] trusted ops may carry `provenance`
 */
export function validateOp(op, { trusted = false } = {}) {
  if (!isObject(op) || typeof op.op !== 'string') fail("each op must be an object with an 'op' name");
  if (!Object.hasOwn(SCHEMA, op.op)) fail(`unknown op ${JSON.stringify(op.op.slice(0, 40))}`);
  const [required, optional] = SCHEMA[op.op];
  const fields = fieldsOf(op);
  const unknown = fields.filter((f) => !Object.hasOwn(required, f) && !Object.hasOwn(optional, f)
    || (!trusted && TRUSTED_ONLY.has(f)));
  if (unknown.length) fail(`${op.op} does not take ${unknown.sort().join(', ').slice(0, 200)}`);
  const missing = Object.keys(required).filter((f) => !fields.includes(f));
  if (missing.length) fail(`${op.op} needs ${missing.sort().join(', ')}`);
  if (op.op === 'piece.update' && !fields.length) fail('piece.update needs at least one field');
  for (const f of fields) (required[f] || optional[f])(op[f], f);
}

/**
 * The ops with what people type rewritten to canonical text, as the server does before it validates
 * (op_schema.normalize_ops): piece.update `key` by normalizeKey, chord.add/chord.update `symbol` by
 * normalizeChord. Call it before an optimistic local edit so both sides agree. Throws OpError (with the
 * op's index) for a key or symbol no parser reads; anything else is left for validateOps to judge.
 * @param {object[]} ops
 * @returns {object[]} new op objects where something was rewritten; the others as they were
 */
export function normalizeOps(ops) {
  if (!Array.isArray(ops)) return ops;
  return ops.map((op, index) => {
    try {
      return normalized(op);
    } catch (error) {
      if (error instanceof OpError) {
        error.index = index;
        error.message = `op ${index}: ${error.message}`;
      }
      throw error;
    }
  });
}

function normalized(op) {
  if (!isObject(op)) return op;
  if (op.op === 'piece.update' && op.key !== undefined) return { ...op, key: normalizeKey(op.key) };
  if ((op.op === 'chord.add' || op.op === 'chord.update') && op.symbol !== undefined) {
    return { ...op, symbol: normalizeChord(op.symbol) };
  }
  return op;
}

/**
 * Throw OpError unless `ops` is a non-empty array of well-formed ops; the error's `index` names the op.
 * @param {object[]} ops
 * @param {{trusted?: boolean, maxOps?: number}} [options]
 */
export function validateOps(ops, { trusted = false, maxOps } = {}) {
  if (!Array.isArray(ops) || !ops.length) fail('ops must be a non-empty list');
  if (maxOps !== undefined && ops.length > maxOps) throw new OpError('too_large', `at most ${maxOps} ops per message`);
  ops.forEach((op, index) => {
    try {
      validateOp(op, { trusted });
    } catch (error) {
      if (error instanceof OpError) {
        error.index = index;
        error.message = `op ${index}: ${error.message}`;
      }
      throw error;
    }
  });
}
