// Op builders, ids, and inverses: applying ops and then their inverse gives back the state.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as build from '../../static/js/core/ops.js';
import { inverseOps, newId } from '../../static/js/core/ops.js';
import { applyOps } from '../../static/js/core/state.js';
import { ID_PATTERN } from '../../static/js/core/schema.js';
import { ANA, BO, music, piece, randomOps, rng } from './helpers.mjs';

const roundTrip = (before, ops, options) => applyOps(applyOps(before, ops, ANA), inverseOps(before, ops, options), ANA);

test('newId gives unique ids the server accepts', () => {
  const ids = new Set(Array.from({ length: 20000 }, () => newId('n')));
  assert.equal(ids.size, 20000);
  for (const id of [...ids].slice(0, 500)) assert.match(id, /^[A-Za-z0-9_.:-]{1,64}$/);
  assert.match(newId('c'), /^c-[A-Za-z0-9_-]{12}$/);
  assert.ok(ID_PATTERN.test(newId('x'.repeat(40))));
  assert.throws(() => newId('bad prefix'), RangeError);
  assert.throws(() => newId('x'.repeat(41)), RangeError);
});

test('builders make ops the fold accepts, leaving optional fields to the server', () => {
  const add = build.noteAdd({ track: 't1', start: 0, duration: 480, pitch: 60 });
  assert.deepEqual(Object.keys(add).sort(), ['duration', 'id', 'op', 'pitch', 'start', 'track']);
  const track = build.trackAdd({ name: 'Bass', program: 33 });
  const ops = [add, build.noteUpdate(add.id, { pitch: 62, velocity: undefined, colour: 'red' }), track,
    build.trackUpdate(track.id, { owner: 1 }), build.pieceUpdate({ tempo: 90, nonsense: 1 }),
    build.barsInsert(1), build.barsDelete(2, 2), build.noteAdd({ id: 'k', track: track.id, start: 0, duration: 1, pitch: 1 }),
    build.noteDelete('k'), build.trackDelete(track.id)];
  assert.deepEqual(ops[1], { op: 'note.update', id: add.id, pitch: 62 });
  assert.deepEqual(ops[4], { op: 'piece.update', tempo: 90 });
  const after = applyOps(piece(), ops, ANA);
  assert.equal(after.notes[add.id].pitch, 62);
  assert.equal(after.notes[add.id].velocity, 96);
  assert.equal(after.piece.bars, 3);
});

test('each op kind, then its inverse, gives back the same state', () => {
  const before = piece([{ start: 0 }, { start: 480, duration: 1000 }, { start: 2400, track: 't2' }, { start: 5760 }]);
  const cases = {
    'note.add': [build.noteAdd({ id: 'new', track: 't2', start: 960, duration: 240, pitch: 70, velocity: 50 })],
    'note.update': [build.noteUpdate('n1', { start: 120, duration: 60, pitch: 1, velocity: 2, track: 't2' })],
    'note.delete': [build.noteDelete('n2')],
    'track.add': [build.trackAdd({ id: 't3', name: 'Bass', channel: 5 })],
    'track.update': [build.trackUpdate('t1', { name: 'S', program: 5, pitch_range: [60, 80], owner: 2, channel: 7 })],
    'track.delete (last track, with its notes)': [build.trackDelete('t2')],
    'piece.update': [build.pieceUpdate({ title: 'New', tempo: 60, key: 'D minor', bars: 9, own_tracks_only: true,
      ai_enabled: false, ai_mode: 'teacher_approves', ai_operations: ['vary'], ai_quota_per_hour: 3 })],
    'bars.insert inside a sounding note': [build.barsInsert(1, 2)],
    'bars.insert at the end': [build.barsInsert(4)],
    'bars.delete cutting and removing notes': [build.barsDelete(1)],
    'bars.delete with count': [build.barsDelete(0, 2)],
    'several ops on one note': [build.noteAdd({ id: 'x', track: 't1', start: 0, duration: 5, pitch: 5 }),
      build.noteUpdate('x', { pitch: 6 }), build.noteUpdate('n1', { pitch: 9 }), build.noteDelete('n1')],
  };
  for (const [name, ops] of Object.entries(cases)) {
    assert.deepEqual(roundTrip(before, ops), before, name);
  }
});

test('bars.insert is undone by bars.delete, restoring notes that sounded across the insertion point', () => {
  const before = piece([{ start: 1000, duration: 1500 }]);
  const inverse = inverseOps(before, [build.barsInsert(1)]);
  assert.deepEqual(inverse, [{ op: 'bars.delete', at: 1, count: 1 }, { op: 'note.update', id: 'n1', duration: 1500 }]);
});

test('bars.delete that removed notes is undone by bars.insert plus re-adding them', () => {
  const before = piece([{ start: 2000 }, { start: 1000, duration: 1500 }]);
  assert.deepEqual(inverseOps(before, [build.barsDelete(1)]), [
    { op: 'bars.insert', at: 1, count: 1 },
    { op: 'note.update', id: 'n2', duration: 1500 },
    { op: 'note.add', id: 'n1', track: 't1', start: 2000, duration: 480, pitch: 60, velocity: 96 },
  ]);
});

test('documented inexactness: provenance on re-added notes, and track order', () => {
  // A model's note deleted by Ana comes back as Ana's unless provenance is asked for (trusted callers).
  const model = { kind: 'model', name: 'gridcoco@1' };
  const before = applyOps(piece(), [{ op: 'note.add', id: 'ai', track: 't1', start: 0, duration: 480, pitch: 60,
    provenance: { author: model, job: 4, candidate: 1, accepted_by: BO } }], model);
  const plain = roundTrip(before, [build.noteDelete('ai')]);
  assert.deepEqual(plain.notes.ai.author, ANA);
  assert.equal(plain.notes.ai.job, null);
  assert.deepEqual(music(plain), music(before));
  const trusted = roundTrip(before, [build.noteDelete('ai')], { provenance: true });
  assert.deepEqual(trusted, before);
  // track.add appends: the first track comes back last.
  const back = roundTrip(before, [build.trackDelete('t1')]);
  assert.deepEqual(back.tracks.map((t) => t.id), ['t2', 't1']);
  assert.deepEqual(music(back), music(before));
});

test('random edits and their inverses: 300 seeded cases', () => {
  const r = rng(7);
  let state = piece([{ start: 0 }, { start: 700, duration: 3000 }, { start: 1920, track: 't2' }], ANA, 6);
  for (let i = 0; i < 300; i += 1) {
    const ops = randomOps(state, r);
    if (!ops.length) continue;
    const after = applyOps(state, ops, ANA);
    const inverse = inverseOps(state, ops);
    // Ops that changed nothing (a rename to the same name) have nothing to undo.
    const undone = inverse.length ? applyOps(after, inverse, ANA) : after;
    assert.deepEqual(music(undone), music(state), `case ${i}: ${JSON.stringify(ops)}`);
    state = after.tracks.length && Object.keys(after.notes).length > 1 ? after : state;
  }
});
