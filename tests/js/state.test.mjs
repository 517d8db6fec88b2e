// The fold's corners that random fixtures rarely reach: odd ids, immutability, sessions, replay.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { applyOps, emptyState, NO_LIMITS, openFold, OpError, replay } from '../../static/js/core/state.js';
import { ANA, piece } from './helpers.mjs';

test('ids that are also JavaScript property names are ordinary ids', () => {
  const ids = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '12', '0'];
  let state = piece();
  state = applyOps(state, ids.map((id, i) => ({ op: 'note.add', id, track: 't1', start: i, duration: 1, pitch: 60 })), ANA);
  assert.deepEqual(Object.keys(state.notes).sort(), [...ids].sort());
  assert.equal(Object.getPrototypeOf(state.notes), Object.prototype);
  assert.equal(state.notes.__proto__.start, 0);
  assert.throws(() => applyOps(state, [{ op: 'note.add', id: '__proto__', track: 't1', start: 0, duration: 1, pitch: 1 }]),
    { code: 'conflict' });
  assert.throws(() => applyOps(piece(), [{ op: 'note.update', id: 'constructor', pitch: 1 }]), { code: 'conflict', index: 0 });
  const round = JSON.parse(JSON.stringify(state));
  state = applyOps(round, [{ op: 'note.update', id: '__proto__', pitch: 61 }, { op: 'note.delete', id: 'constructor' }], ANA);
  assert.equal(state.notes.__proto__.pitch, 61);
  assert.equal(Object.hasOwn(state.notes, 'constructor'), false);
});

test('a failed message leaves the state exactly as it was, and untouched notes keep their identity', () => {
  const before = piece([{ start: 0 }, { start: 480 }]);
  const copy = JSON.parse(JSON.stringify(before));
  assert.throws(() => applyOps(before, [{ op: 'note.update', id: 'n1', pitch: 1 }, { op: 'bars.delete', at: 0 },
    { op: 'track.delete', id: 't1' }, { op: 'note.delete', id: 'n2' }]), (e) => e instanceof OpError && e.index === 3);
  assert.deepEqual(before, copy);
  const after = applyOps(before, [{ op: 'note.update', id: 'n1', pitch: 1 }], ANA);
  assert.equal(after.notes.n2, before.notes.n2);
  assert.notEqual(after.notes.n1, before.notes.n1);
  assert.equal(after.tracks[0], before.tracks[0]);
});

test('limits: too_large has no op index; NO_LIMITS lifts them', () => {
  const ops = Array.from({ length: 3 }, (_, i) => ({ op: 'track.add', id: `x${i}`, name: 'X' }));
  assert.throws(() => applyOps(piece(), ops, ANA, { tracks_per_piece: 4 }), { code: 'too_large', index: null });
  assert.equal(applyOps(piece(), ops, ANA, NO_LIMITS).tracks.length, 5);
});

test('channels skip 9 (percussion) and run out to 0', () => {
  const ops = Array.from({ length: 17 }, (_, i) => ({ op: 'track.add', id: `x${i}`, name: 'X' }));
  const channels = applyOps(emptyState(), ops).tracks.map((t) => t.channel);
  assert.deepEqual(channels, [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 0, 0]);
});

test('a fold session applies messages atomically and rolls back to a mark', () => {
  const fold = openFold(piece([{ start: 0 }]), ANA, NO_LIMITS);
  const mark = fold.mark();
  fold.apply([{ op: 'note.update', id: 'n1', pitch: 70 }, { op: 'bars.insert', at: 0 }]);
  assert.throws(() => fold.apply([{ op: 'note.delete', id: 'n1' }, { op: 'note.delete', id: 'n1' }]), { code: 'conflict', index: 1 });
  assert.equal(fold.note('n1').pitch, 70, 'the failed message changed nothing');
  assert.equal(fold.piece.bars, 5);
  fold.apply([{ op: 'track.delete', id: 't1' }]);
  assert.equal(fold.note('n1'), undefined);
  fold.rollback(mark);
  assert.deepEqual(fold.state(), piece([{ start: 0 }]));
});

test('replay folds events from an empty piece without limits', () => {
  const state = replay([[[{ op: 'piece.update', bars: 1000 }], ANA], [[{ op: 'bars.insert', at: 0, count: 5 }], ANA],
    [[{ op: 'track.add', id: 't', name: 'T' }], null]]);
  assert.equal(state.piece.bars, 1005);
  assert.equal(state.tracks[0].channel, 0);
});
