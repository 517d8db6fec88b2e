// Small helpers shared by the core modules (this one imports nothing, so every core module may use it).

/** An op that cannot apply: `code` is "invalid" | "conflict" | "too_large", `index` the failing op (or null). */
export class OpError extends Error {
  constructor(code, message, index = null) {
    super(message);
    this.name = 'OpError';
    this.code = code;
    this.index = index;
  }
}

/**
 * Structural equality of JSON-like values (objects, arrays, primitives); key order does not matter.
 * @param {*} a
 * @param {*} b
 * @returns {boolean}
 */
export function deepEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
}

/** The fields of a note a person edits (everything but provenance). */
export const NOTE_FIELDS = ['track', 'start', 'duration', 'pitch', 'velocity'];
/** The fields of a track that track.update can change. */
export const TRACK_FIELDS = ['name', 'program', 'pitch_range', 'owner', 'channel', 'colour', 'volume', 'pan'];
/** The fields of the piece that piece.update can change. */
export const PIECE_FIELDS = ['title', 'tempo', 'time_signature', 'key', 'bars', 'own_tracks_only', 'ai_enabled',
  'ai_mode', 'ai_operations', 'ai_quota_per_hour', 'ai_models', 'fps', 'start_offset_us'];
/** The fields of a chord a person edits (everything but provenance). */
export const CHORD_FIELDS = ['start', 'duration', 'symbol'];
/** The fields of a cue a person edits. */
export const CUE_FIELDS = ['time_us', 'label', 'kind'];

/**
 * The note with `id` in a state's notes, or undefined; safe for ids such as "constructor" or "__proto__".
 * @param {{notes: object}} state
 * @param {string} id
 */
export function noteOf(state, id) {
  return Object.hasOwn(state.notes, id) ? state.notes[id] : undefined;
}

/** The chord with `id` in a state's chords, or undefined. */
export function chordOf(state, id) {
  return Object.hasOwn(state.chords, id) ? state.chords[id] : undefined;
}

/** The cue with `id` in a state's cues, or undefined. */
export function cueOf(state, id) {
  return Object.hasOwn(state.cues, id) ? state.cues[id] : undefined;
}

/** The track with `id`, or undefined. */
export function trackOf(state, id) {
  return state.tracks.find((t) => t.id === id);
}

/** The subset of `object` named by `fields` (only those it has). */
export function pick(object, fields) {
  const out = {};
  for (const f of fields) if (Object.hasOwn(object, f)) out[f] = object[f];
  return out;
}
