// The fold of piece-level data that is not a track (a port of composer_ui/fold_piece_data.py): the chord
// lane, cues and the tempo map.
//
// Chords are spans in ticks (moved by bar edits like notes) that may not overlap. Cues are in picture time
// (microseconds) and bar edits leave them alone. Tempo changes sit at bar starts (bar >= 1; bar 0's tempo
// is the piece's `tempo`), sorted by bar.
import {
  authored, checkSpanFits, cutSpans, deleteItem, edited, has, insertIntoSpans, pickPresent, setItem, setTempo,
} from './fold-work.js';
import { barTicks } from './ticks.js';
import { CHORD_FIELDS, CUE_FIELDS, OpError } from './util.js';

// -- chords --------------------------------------------------------------------

function chordAdd(work, op, actor) {
  if (work.chords.has(op.id)) throw new OpError('conflict', `chord '${op.id}' already exists`);
  const chord = { id: op.id, start: op.start, duration: op.duration, symbol: op.symbol, ...authored(op, actor) };
  checkChordFits(work, chord);
  setItem(work, 'chords', chord.id, chord);
}

function chordUpdate(work, op, actor) {
  const chord = edited(chordOrConflict(work, op.id), pickPresent(op, CHORD_FIELDS), actor);
  checkChordFits(work, chord);
  setItem(work, 'chords', chord.id, chord);
}

function chordDelete(work, op) {
  chordOrConflict(work, op.id);
  deleteItem(work, 'chords', op.id);
}

function chordOrConflict(work, id) {
  const chord = work.chords.get(id);
  if (chord === undefined) throw new OpError('conflict', `chord '${id}' does not exist (deleted by someone else?)`);
  return chord;
}

function checkChordFits(work, chord) {
  checkSpanFits(work, chord, 'chord');
  const end = chord.start + chord.duration;
  for (const other of work.chords.values()) {
    if (other.id !== chord.id && other.start < end && chord.start < other.start + other.duration) {
      throw new OpError('conflict', `a chord is already there (${other.symbol} from tick ${other.start})`);
    }
  }
}

// -- cues ----------------------------------------------------------------------

function cueAdd(work, op, actor) {
  if (work.cues.has(op.id)) throw new OpError('conflict', `cue '${op.id}' already exists`);
  const provenance = op.provenance || {};
  const author = Object.hasOwn(provenance, 'author') ? provenance.author : actor;
  setItem(work, 'cues', op.id, {
    id: op.id, time_us: op.time_us, label: has(op, 'label') ? op.label : '', kind: op.kind, author,
    last_editor: Object.hasOwn(provenance, 'last_editor') ? provenance.last_editor : author,
  });
}

function cueUpdate(work, op, actor) {
  const cue = cueOrConflict(work, op.id);
  setItem(work, 'cues', op.id, { ...cue, ...pickPresent(op, CUE_FIELDS), last_editor: actor });
}

function cueDelete(work, op) {
  cueOrConflict(work, op.id);
  deleteItem(work, 'cues', op.id);
}

function cueOrConflict(work, id) {
  const cue = work.cues.get(id);
  if (cue === undefined) throw new OpError('conflict', `cue '${id}' does not exist (deleted by someone else?)`);
  return cue;
}

// -- the tempo map -------------------------------------------------------------

function tempoSet(work, op, actor) {
  const { bars } = work.piece;
  if (op.bar >= bars) throw new OpError('invalid', `cannot change tempo at bar ${op.bar + 1}: the piece has ${bars} bars`);
  const changes = [...work.tempo];
  let index = changes.findIndex((c) => c.bar >= op.bar);
  if (index < 0) index = changes.length;
  if (index < changes.length && changes[index].bar === op.bar) { // replaces the change there: an edit of it
    changes[index] = { ...changes[index], tempo: op.tempo, last_editor: actor };
  } else {
    const provenance = op.provenance || {};
    const author = Object.hasOwn(provenance, 'author') ? provenance.author : actor;
    changes.splice(index, 0, { bar: op.bar, tempo: op.tempo, author,
      last_editor: Object.hasOwn(provenance, 'last_editor') ? provenance.last_editor : author });
  }
  setTempo(work, changes);
}

function tempoDelete(work, op) {
  const index = work.tempo.findIndex((c) => c.bar === op.bar);
  if (index < 0) throw new OpError('conflict', `there is no tempo change at bar ${op.bar + 1} (deleted by someone else?)`);
  setTempo(work, work.tempo.filter((_, i) => i !== index));
}

// -- what bar edits and a shorter piece do to them ----------------------------------

/** bars.insert: chords move like notes; tempo changes at or after the bar move by `count`. */
export function insertBars(work, atBar, count) {
  const size = barTicks(work.piece.time_signature);
  insertIntoSpans(work, 'chords', atBar * size, count * size);
  if (work.tempo.some((c) => c.bar >= atBar)) {
    setTempo(work, work.tempo.map((c) => (c.bar >= atBar ? { ...c, bar: c.bar + count } : c)));
  }
}

/** bars.delete: chords as notes; tempo changes in the cut go, later ones move back, none lands on bar 0. */
export function deleteBars(work, atBar, count) {
  const size = barTicks(work.piece.time_signature);
  cutSpans(work, 'chords', atBar * size, (atBar + count) * size);
  const kept = [];
  for (let change of work.tempo) {
    if (change.bar >= atBar + count) change = { ...change, bar: change.bar - count };
    else if (change.bar >= atBar) continue; // inside the cut: it goes with its bar
    if (change.bar >= 1) kept.push(change); // a change landing on bar 0 would shadow the piece's tempo
  }
  if (work.tempo.some((c) => c.bar >= atBar)) setTempo(work, kept);
}

/** After piece.update of bars or the meter: chords and tempo changes must still lie inside. */
export function checkPieceEnd(work) {
  const { bars } = work.piece;
  const end = barTicks(work.piece.time_signature) * bars;
  const late = [...work.chords.values()].filter((c) => c.start + c.duration > end).length;
  if (late) {
    throw new OpError('conflict', `${late} chords would lie after the new end of the piece; `
      + 'use bars.delete to remove bars with their chords');
  }
  if (work.tempo.some((c) => c.bar >= bars)) {
    throw new OpError('conflict', 'a tempo change would lie after the new end of the piece; '
      + 'use bars.delete to remove bars with their tempo changes');
  }
}

export const PIECE_DATA_OPS = {
  'chord.add': chordAdd, 'chord.update': chordUpdate, 'chord.delete': chordDelete,
  'cue.add': cueAdd, 'cue.update': cueUpdate, 'cue.delete': cueDelete,
  'tempo.set': tempoSet, 'tempo.delete': tempoDelete,
};
