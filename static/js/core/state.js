// A piece is a pure fold over its event log: state = applyOps(state, ops, actor).
// An exact port of composer_ui/state.py: the same fields, defaults, errors and error indexes, so the
// optimistic view a client shows is the state the server will commit (tests/js/fold.test.mjs replays
// fixtures made by the Python fold to keep it that way). The op handlers live in fold.js.
//
// States are plain JSON-able objects and are never mutated: every change copies what it touches, and
// untouched notes and tracks keep their identity.
import { APPLY, checkLimits, closeWork, openWork, pieceTicks, rollback } from './fold.js';
import { DEFAULT_PAN, DEFAULT_VOLUME, TRACK_COLOURS } from './fold-tracks.js';
import { AI_OPERATIONS, ID_FILLED, OpError, validateOps } from './schema.js';
import { TICKS_PER_QUARTER } from './ticks.js';

export { DEFAULT_PAN, DEFAULT_VOLUME, OpError, pieceTicks, TRACK_COLOURS };

export const DEFAULT_AI_POLICY = Object.freeze({
  ai_enabled: true, ai_mode: 'free', ai_operations: AI_OPERATIONS, ai_quota_per_hour: 60, ai_models: 'all',
});
export const DEFAULT_LIMITS = Object.freeze({
  notes_per_piece: 20_000, tracks_per_piece: 32, bars_per_piece: 1_000, chords_per_piece: 5_000, cues_per_piece: 1_000,
});
/** Limits for folding events the server already committed (selectors.replay uses infinite ones too). */
export const NO_LIMITS = Object.freeze({
  notes_per_piece: Infinity, tracks_per_piece: Infinity, bars_per_piece: Infinity, chords_per_piece: Infinity,
  cues_per_piece: Infinity,
});

/** A new piece as the server starts it, before its `create` event. */
export function emptyState() {
  return {
    piece: {
      title: 'Untitled', tempo: 120, time_signature: [4, 4], key: 'C major', bars: 8,
      ticks_per_quarter: TICKS_PER_QUARTER, own_tracks_only: false,
      ...DEFAULT_AI_POLICY, ai_operations: [...AI_OPERATIONS],
      fps: '25', start_offset_us: 0,
    },
    tracks: [],
    notes: {},
    chords: {},
    cues: {},
    tempo_changes: [],
  };
}

/**
 * The state after `ops`; throws OpError and leaves `state` untouched if any op fails (all or none).
 * @param {{piece: object, tracks: object[], notes: object, chords: object, cues: object, tempo_changes: object[]}} state
 * @param {object[]} ops
 * @param {object} [actor] {kind: "user", id} or {kind: "model", name}: provenance of what the ops create or edit
 * @param {object} [limits] notes/tracks/bars/chords/cues _per_piece (DEFAULT_LIMITS by default)
 * @returns {object} the new state
 */
export function applyOps(state, ops, actor, limits) {
  return foldOps(state, ops, actor, limits);
}

/**
 * applyOps with a hook for code that must see each op's surroundings (inverse.js): `trace(work, op)` is
 * called before each op with the working copy ({piece, tracks, notes, chords, cues: Map, tempo}; read it,
 * never change it)
 * and may return a function that is called with the working copy right after that op.
 * @param {object} state
 * @param {object[]} ops
 * @param {object} [actor]
 * @param {object} [limits]
 * @param {(work: object, op: object) => ((work: object) => void) | void} [trace]
 */
export function foldOps(state, ops, actor, limits, trace) {
  const work = openWork(state);
  applyToWork(work, ops, actor, limits, trace);
  return closeWork(work);
}

/**
 * A fold session: one copy of `state`, then any number of atomic messages on it. For code that tries
 * many small messages in a row (undo.js), where a copy per message would cost O(notes) each.
 * @param {object} state
 * @param {object} [actor]
 * @param {object} [limits]
 * @returns {{apply(ops: object[]): void, note(id: string): object|undefined, track(id: string): object|undefined,
 *   chord(id: string): object|undefined, cue(id: string): object|undefined, trackIndex(id: string): number,
 *   piece: object, tracks: object[], tempo: object[], notes(): Iterable<object>, chords(): Iterable<object>,
 *   state(): object, mark(): number, rollback(mark: number): void}}
 *   apply throws OpError and changes nothing; rollback(mark()) undoes every message applied since mark()
 */
export function openFold(state, actor, limits) {
  const work = openWork(state);
  return {
    apply: (ops) => applyToWork(work, ops, actor, limits),
    note: (id) => work.notes.get(id),
    track: (id) => work.tracks.find((t) => t.id === id),
    trackIndex: (id) => work.tracks.findIndex((t) => t.id === id),
    chord: (id) => work.chords.get(id),
    cue: (id) => work.cues.get(id),
    get piece() { return work.piece; },
    get tracks() { return work.tracks; },
    get tempo() { return work.tempo; },
    notes: () => work.notes.values(),
    chords: () => work.chords.values(),
    state: () => closeWork(work),
    mark: () => work.log.length,
    rollback: (mark) => rollback(work, mark),
  };
}

function applyToWork(work, ops, actor, limits, trace) {
  validateOps(ops, { trusted: true });
  const lim = { ...DEFAULT_LIMITS, ...(limits || {}) };
  // Python falls back on {"kind": "system"} for None and for an empty dict (both are falsy there).
  const who = actor && Object.keys(actor).length ? actor : { kind: 'system' };
  const mark = work.log.length;
  try {
    ops.forEach((op, index) => {
      try {
        if (ID_FILLED.has(op.op) && op.id === undefined) {
          throw new OpError('invalid', `${op.op} needs an id here (the server fills it with with_ids)`);
        }
        const after = trace && trace(work, op);
        APPLY[op.op](work, op, who);
        if (after) after(work);
      } catch (error) {
        if (error instanceof OpError) error.index = index;
        throw error;
      }
    });
    checkLimits(work, lim);
  } catch (error) {
    rollback(work, mark);
    throw error;
  }
}

/**
 * Fold [ops, actor] pairs over `state` (an empty piece by default) with no size limits, as the server replays.
 * @param {Iterable<[object[], object]>} events
 * @param {object} [state]
 */
export function replay(events, state = emptyState()) {
  let s = state;
  for (const [ops, actor] of events) s = applyOps(s, ops, actor, NO_LIMITS);
  return s;
}
