// Quantize pulls notes to the grid by a strength, and never breaks a note or the piece.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { quantizeNote, quantizeOps } from '../../static/js/core/quantize.js';
import { applyOps } from '../../static/js/core/state.js';
import { ANA, piece, rng } from './helpers.mjs';

test('full strength puts starts on the grid and keeps durations', () => {
  assert.deepEqual(quantizeNote({ start: 130, duration: 200 }, 120), { start: 120, duration: 200 });
  assert.deepEqual(quantizeNote({ start: 190, duration: 200 }, 120), { start: 240, duration: 200 });
  assert.deepEqual(quantizeNote({ start: 170, duration: 100 }, 160), { start: 160, duration: 100 }, 'triplet grid');
});

test('strength moves part of the way', () => {
  assert.deepEqual(quantizeNote({ start: 100, duration: 50 }, 120, { strength: 0.5 }), { start: 110, duration: 50 });
  assert.deepEqual(quantizeNote({ start: 100, duration: 50 }, 120, { strength: 0 }), { start: 100, duration: 50 });
  assert.deepEqual(quantizeNote({ start: 100, duration: 50 }, 120, { strength: 7 }), { start: 120, duration: 50 }, 'clamped to 1');
});

test('ends too; a note never collapses below one tick', () => {
  assert.deepEqual(quantizeNote({ start: 130, duration: 220 }, 120, { ends: true }), { start: 120, duration: 240 });
  assert.deepEqual(quantizeNote({ start: 115, duration: 10 }, 120, { ends: true }), { start: 120, duration: 120 });
  assert.deepEqual(quantizeNote({ start: 0, duration: 1 }, 480, { ends: true, strength: 0.001 }), { start: 0, duration: 1 });
});

test('notes stay inside the piece', () => {
  // Start would round to the end of the piece: it goes back a grid line instead.
  assert.deepEqual(quantizeNote({ start: 3830, duration: 5 }, 480, { pieceEnd: 3840 }), { start: 3360, duration: 5 });
  // Moving later would push the end out: the end is cut at the piece's end.
  assert.deepEqual(quantizeNote({ start: 3300, duration: 500 }, 480, { pieceEnd: 3840 }), { start: 3360, duration: 480 });
});

test('quantizeOps gives note.update ops for the notes that move, and they always apply', () => {
  const state = piece([{ start: 130 }, { start: 480 }, { start: 7670, duration: 10 }], ANA, 4);
  const ops = quantizeOps(state, ['n1', 'n2', 'n3', 'missing'], 480);
  assert.deepEqual(ops, [{ op: 'note.update', id: 'n1', start: 0 }, { op: 'note.update', id: 'n3', start: 7200 }]);
  const r = rng(3);
  for (let i = 0; i < 500; i += 1) {
    const duration = r.int(1, 2000);
    const s = piece([{ start: r.int(0, 7680 - duration), duration }], ANA, 4);
    const q = quantizeOps(s, ['n1'], r.pick([60, 80, 120, 160, 240, 320, 480, 1920]),
      { strength: r.next(), ends: r.next() < 0.5 });
    if (q.length) {
      const after = applyOps(s, q, ANA);
      assert.ok(after.notes.n1.duration >= 1);
    }
  }
});
