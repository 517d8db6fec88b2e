// The fold of track ops (a port of composer_ui/fold_tracks.py): add (at a position, with a colour),
// update, move, delete.
import { deleteItem, has, pickPresent, saveTracks } from './fold-work.js';
import { OpError, TRACK_FIELDS } from './util.js';

/** A fixed palette (Tableau 20's strong half): a new track takes the first colour no other track uses. */
export const TRACK_COLOURS = Object.freeze(['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948',
  '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac', '#d37295', '#86bcb6']);
export const DEFAULT_VOLUME = 100; // MIDI CC 7
export const DEFAULT_PAN = 64; // MIDI CC 10: centre

function trackAdd(work, op) {
  if (trackIndex(work, op.id) >= 0) throw new OpError('conflict', `track '${op.id}' already exists`);
  const { tracks } = work;
  const index = has(op, 'index') ? op.index : tracks.length;
  if (index > tracks.length) {
    throw new OpError('invalid', `cannot add a track at position ${index}: the piece has ${tracks.length} tracks`);
  }
  const track = {
    id: op.id, name: op.name,
    program: has(op, 'program') ? op.program : 0,
    pitch_range: has(op, 'pitch_range') ? op.pitch_range : [0, 127],
    owner: has(op, 'owner') ? op.owner : null,
    channel: has(op, 'channel') ? op.channel : freeChannel(tracks),
    colour: has(op, 'colour') ? op.colour : freeColour(tracks, index),
    volume: has(op, 'volume') ? op.volume : DEFAULT_VOLUME,
    pan: has(op, 'pan') ? op.pan : DEFAULT_PAN,
  };
  saveTracks(work);
  work.tracks.splice(index, 0, track);
}

function trackUpdate(work, op) {
  const index = trackOrConflict(work, op.id);
  saveTracks(work);
  work.tracks[index] = { ...work.tracks[index], ...pickPresent(op, TRACK_FIELDS) };
}

function trackMove(work, op) {
  const index = trackOrConflict(work, op.id);
  if (op.index >= work.tracks.length) {
    throw new OpError('invalid', `cannot move a track to position ${op.index}: the piece has ${work.tracks.length} tracks`);
  }
  saveTracks(work);
  const [track] = work.tracks.splice(index, 1);
  work.tracks.splice(op.index, 0, track);
}

function trackDelete(work, op) {
  const index = trackOrConflict(work, op.id);
  saveTracks(work);
  work.tracks.splice(index, 1);
  for (const [id, note] of work.notes) if (note.track === op.id) deleteItem(work, 'notes', id);
}

const trackIndex = (work, id) => work.tracks.findIndex((t) => t.id === id);

/** The position of track `id`; throws OpError("conflict") when there is none. */
export function trackOrConflict(work, id) {
  const index = trackIndex(work, id);
  if (index < 0) throw new OpError('conflict', `track '${id}' does not exist`);
  return index;
}

function freeChannel(tracks) {
  const used = new Set(tracks.map((t) => t.channel));
  // Channel 9 is General MIDI percussion: melodic tracks skip it.
  for (let c = 0; c < 16; c += 1) if (c !== 9 && !used.has(c)) return c;
  return 0;
}

/**
 * The first palette colour no track uses, else the palette's colour for the track's position.
 * @param {object[]} tracks
 * @param {number} position where the new track goes
 */
export function freeColour(tracks, position) {
  const used = new Set(tracks.map((t) => t.colour));
  return TRACK_COLOURS.find((c) => !used.has(c)) ?? TRACK_COLOURS[position % TRACK_COLOURS.length];
}

export const TRACK_OPS = {
  'track.add': trackAdd, 'track.update': trackUpdate, 'track.move': trackMove, 'track.delete': trackDelete,
};
