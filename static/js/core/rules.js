// Rules the server decides and the page must show the same way: who may edit (roles), which tracks are
// locked for whom (permissions.locked_tracks), whether an edit touched an AI proposal's region
// (regions._touches), which makes the proposal stale, and which models a piece lets people ask
// (policy.model_allowed). Ports of the Python, checked by
// tests/js/rules.test.mjs against fixtures that tests/js/make_rules_fixtures.py writes from the server's code.
import { barTicks } from './ticks.js';
import { noteOf } from './util.js';

/** Roles that edit; viewers and researchers watch and listen (permissions.EDIT_ROLES). */
export const EDIT_ROLES = Object.freeze(['owner', 'editor']);

/** @param {string} role */
export const canEdit = (role) => EDIT_ROLES.includes(role);

/**
 * The ids of the tracks whose notes `userId` may not edit.
 * @param {{piece: object, tracks: object[]}} state
 * @param {string} role
 * @param {number} userId
 * @returns {Set<string>}
 */
export function lockedTracks(state, role, userId) {
  if (!canEdit(role)) return new Set(state.tracks.map((t) => t.id));
  if (role === 'owner' || !state.piece.own_tracks_only) return new Set();
  return new Set(state.tracks.filter((t) => t.owner !== userId).map((t) => t.id));
}

/**
 * May the studio's model `name` be asked in this piece? Its `ai_models` is "all" (the default) or a list of names.
 * @param {object} piece
 * @param {string} name
 */
export function modelAllowed(piece, name) {
  const allowed = piece.ai_models ?? 'all';
  return allowed === 'all' || (Array.isArray(allowed) && allowed.includes(name));
}

/**
 * Does a note (start inside the bars, on one of the tracks) belong to the region?
 * @param {object|undefined} note
 * @param {{tracks: string[], bars: number[]}} region bars = [first, one past the last]
 * @param {object} piece
 */
export function regionHolds(note, region, piece) {
  if (!note || !region.tracks.includes(note.track)) return false;
  const size = barTicks(piece.time_signature);
  return region.bars[0] * size <= note.start && note.start < region.bars[1] * size;
}

/**
 * Did one committed message of `ops` change something inside `region`? Every op is judged against the
 * state before the message, as the server does (regions.region_touched).
 * @param {object} stateBefore
 * @param {object[]} ops
 * @param {{tracks: string[], bars: number[]}} region
 */
export function opsTouchRegion(stateBefore, ops, region) {
  return ops.some((op) => opTouches(stateBefore, op, region));
}

function opTouches(state, op, region) {
  const piece = state.piece;
  if (op.op.startsWith('note.')) {
    const before = noteOf(state, op.id);
    const { op: _kind, ...fields } = op;
    const after = op.op === 'note.delete' ? undefined : { ...(before ?? {}), ...fields };
    return regionHolds(before, region, piece) || regionHolds(after, region, piece);
  }
  if (op.op === 'track.delete') return region.tracks.includes(op.id);
  if (op.op === 'bars.insert' || op.op === 'bars.delete') return op.at < region.bars[1]; // bars move or vanish
  if (op.op === 'piece.update') {
    const [beats, unit] = piece.time_signature;
    if (op.time_signature !== undefined && (op.time_signature[0] !== beats || op.time_signature[1] !== unit)) return true;
    return op.bars !== undefined && op.bars < Math.min(region.bars[1], piece.bars);
  }
  return false;
}
