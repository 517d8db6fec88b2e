// Builders for every op of the protocol (docs/protocol.md), fresh ids, and inverses (from inverse.js).
//
// Builders always give note.add, track.add, chord.add and cue.add an id of our own: the server would fill
// a missing one (n<seq>-<index>), but then this client could not refer to it before the event came back,
// and neither optimistic display nor undo would work. Keys and chord symbols may be written as people type
// them: RoomClient.localEdit rewrites them to canonical text (normalizeOps) before anything is applied.
import { ID_PATTERN } from './schema.js';
import { CHORD_FIELDS, CUE_FIELDS, NOTE_FIELDS, PIECE_FIELDS, TRACK_FIELDS } from './util.js';

export { inverseOps, inverseParts, partOps } from './inverse.js';

// 64 symbols, so each random byte's low 6 bits pick one without bias.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/**
 * A fresh id, `<prefix>-<12 random symbols>` (72 random bits: two people drawing a million notes each
 * in one piece collide with odds about 1e-9). The "-" right after the prefix keeps it apart from the
 * server's own `n<seq>-<index>`.
 * @param {string} [prefix] 1-40 of A-Z a-z 0-9 _ . :
 * @returns {string} matches ^[A-Za-z0-9_.:-]{1,64}$
 */
export function newId(prefix = 'n') {
  if (!/^[A-Za-z0-9_.:]{1,40}$/.test(prefix)) throw new RangeError(`bad id prefix ${JSON.stringify(prefix)}`);
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const id = `${prefix}-${Array.from(bytes, (b) => ALPHABET[b & 63]).join('')}`;
  if (!ID_PATTERN.test(id)) throw new Error('unreachable: bad id');
  return id;
}

// Copy only the named fields that are set, so optional fields take the server's defaults.
function defined(source, fields) {
  const out = {};
  for (const f of fields) if (source[f] !== undefined) out[f] = source[f];
  return out;
}

/**
 * note.add; `velocity` defaults to 96 on the server, `id` to a fresh newId("n").
 * @param {{track: string, start: number, duration: number, pitch: number, velocity?: number, id?: string}} note
 */
export function noteAdd({ id = newId('n'), ...note }) {
  return { op: 'note.add', id, ...defined(note, NOTE_FIELDS) };
}

/**
 * note.update of some of start, duration, pitch, velocity, track.
 * @param {string} id
 * @param {object} changes
 */
export function noteUpdate(id, changes) {
  return { op: 'note.update', id, ...defined(changes, NOTE_FIELDS) };
}

/** note.delete. @param {string} id */
export function noteDelete(id) {
  return { op: 'note.delete', id };
}

/**
 * track.add; by default program 0, pitch_range [0, 127], owner null, the first free channel (never 9),
 * the first palette colour no track uses, volume 100, pan 64 (centre), and last in the list.
 * @param {{name: string, id?: string, program?: number, pitch_range?: number[], owner?: number|null,
 *   channel?: number, colour?: string, volume?: number, pan?: number, index?: number}} track
 */
export function trackAdd({ id = newId('t'), ...track }) {
  return { op: 'track.add', id, ...defined(track, [...TRACK_FIELDS, 'index']) };
}

/**
 * track.update of some of name, program, pitch_range, owner, channel, colour ("#rrggbb"), volume and
 * pan (0-127).
 * @param {string} id
 * @param {object} changes
 */
export function trackUpdate(id, changes) {
  return { op: 'track.update', id, ...defined(changes, TRACK_FIELDS) };
}

/**
 * track.move: the track goes to position `index` (0-based) of the track list.
 * @param {string} id
 * @param {number} index
 */
export function trackMove(id, index) {
  return { op: 'track.move', id, index };
}

/** track.delete (its notes go with it). @param {string} id */
export function trackDelete(id) {
  return { op: 'track.delete', id };
}

/**
 * chord.add: a chord symbol over ticks start..start+duration of the chord lane (chords may not overlap).
 * @param {{start: number, duration: number, symbol: string, id?: string}} chord
 */
export function chordAdd({ id = newId('c'), ...chord }) {
  return { op: 'chord.add', id, ...defined(chord, CHORD_FIELDS) };
}

/**
 * chord.update of some of start, duration, symbol.
 * @param {string} id
 * @param {object} changes
 */
export function chordUpdate(id, changes) {
  return { op: 'chord.update', id, ...defined(changes, CHORD_FIELDS) };
}

/** chord.delete. @param {string} id */
export function chordDelete(id) {
  return { op: 'chord.delete', id };
}

/**
 * cue.add: a point of picture time (microseconds), a kind ("hit", "cadence", "start", "stop") and a label.
 * @param {{time_us: number, kind: string, label?: string, id?: string}} cue
 */
export function cueAdd({ id = newId('q'), ...cue }) {
  return { op: 'cue.add', id, ...defined(cue, CUE_FIELDS) };
}

/**
 * cue.update of some of time_us, label, kind.
 * @param {string} id
 * @param {object} changes
 */
export function cueUpdate(id, changes) {
  return { op: 'cue.update', id, ...defined(changes, CUE_FIELDS) };
}

/** cue.delete. @param {string} id */
export function cueDelete(id) {
  return { op: 'cue.delete', id };
}

/**
 * tempo.set: from bar `bar` (0-based, at least 1: bar 0's tempo is the piece's) on, `tempo` BPM;
 * replaces a change already at that bar.
 * @param {number} bar
 * @param {number} tempo
 */
export function tempoSet(bar, tempo) {
  return { op: 'tempo.set', bar, tempo };
}

/** tempo.delete: remove the tempo change at bar `bar`. @param {number} bar */
export function tempoDelete(bar) {
  return { op: 'tempo.delete', bar };
}

/**
 * piece.update of some of title, tempo, time_signature, key, bars, own_tracks_only, the ai_* policy, fps
 * ("24", "25", "29.97df", "30") and start_offset_us (bar 1's picture time).
 * @param {object} changes
 */
export function pieceUpdate(changes) {
  return { op: 'piece.update', ...defined(changes, PIECE_FIELDS) };
}

/**
 * bars.insert: `count` empty bars before bar `at` (0-based); later notes move right.
 * @param {number} at
 * @param {number} [count]
 */
export function barsInsert(at, count = 1) {
  return { op: 'bars.insert', at, count };
}

/**
 * bars.delete: remove bars at..at+count-1 with the notes that start in them; later notes move left and
 * notes sounding into the cut are shortened.
 * @param {number} at
 * @param {number} [count]
 */
export function barsDelete(at, count = 1) {
  return { op: 'bars.delete', at, count };
}
