// The chord lane's rules (static/js/core/chord-lane.js) and comping (static/js/core/comping.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  chordAt, moveChordOps, resizeChordOps, rhythmStep, snapPosition, stepPosition, typeChordOps,
} from '../../static/js/core/chord-lane.js';
import { compingChannel, compingNotes, voicing } from '../../static/js/core/comping.js';
import { applyOps, emptyState, OpError } from '../../static/js/core/state.js';

const ME = { kind: 'user', id: 1 };
const piece = (ops = [], bars = 4, meter = [4, 4]) =>
  applyOps(emptyState(), [{ op: 'piece.update', bars, time_signature: meter }, ...ops], ME);
const strip = (ops) => ops.map(({ id, ...op }) => op); // fresh ids are random

test('the harmonic rhythm sets the step: a bar, half a bar (rounded up in beats), a beat', () => {
  assert.equal(rhythmStep([4, 4], 'bar'), 1920);
  assert.equal(rhythmStep([4, 4], 'half'), 960);
  assert.equal(rhythmStep([3, 4], 'half'), 960);
  assert.equal(rhythmStep([6, 8], 'half'), 720);
  assert.equal(rhythmStep([4, 4], 'beat'), 480);
});

test('Tab goes to the next beat or bar and Shift+Tab back, inside the piece', () => {
  const at = (tick, direction, rhythm, timeSignature = [4, 4]) =>
    stepPosition(tick, direction, { timeSignature, rhythm, end: 4 * 1920 });
  assert.deepEqual([0, 480, 960, 1440, 1920].map((t) => at(t, 1, 'beat')), [480, 960, 1440, 1920, 2400]);
  assert.deepEqual([0, 100, 1920].map((t) => at(t, 1, 'bar')), [1920, 1920, 3840]);
  assert.equal(at(3 * 1920, 1, 'bar'), null); // past the end
  assert.deepEqual([1920, 2400, 2000].map((t) => at(t, -1, 'beat')), [1440, 1920, 1920]);
  assert.deepEqual([1920, 960].map((t) => at(t, -1, 'half')), [960, 0]);
  assert.equal(at(0, -1, 'bar'), null);
  // 3/4 by half bars: two beats, then one
  assert.deepEqual([0, 960, 1440].map((t) => at(t, 1, 'half', [3, 4])), [960, 1440, 2400]);
  assert.equal(at(1440, -1, 'half', [3, 4]), 960);
  assert.equal(snapPosition(1300, { timeSignature: [4, 4], rhythm: 'beat' }), 960);
  assert.equal(snapPosition(1300, { timeSignature: [4, 4], rhythm: 'bar' }), 0);
});

test('typing a chord adds it for one step, up to the next chord, and canonical', () => {
  const options = { timeSignature: [4, 4], rhythm: 'bar', end: 4 * 1920 };
  const state = piece([{ op: 'chord.add', id: 'g', start: 2400, duration: 480, symbol: 'G' }]);
  assert.deepEqual(strip(typeChordOps(state, 0, 'c maj7', options)),
    [{ op: 'chord.add', start: 0, duration: 1920, symbol: 'Cmaj7' }]);
  assert.deepEqual(strip(typeChordOps(state, 1920, 'Am', options)),
    [{ op: 'chord.add', start: 1920, duration: 480, symbol: 'Am' }]); // the G comes next
  assert.deepEqual(typeChordOps(state, 2400, 'G7', options), [{ op: 'chord.update', id: 'g', symbol: 'G7' }]);
  assert.deepEqual(typeChordOps(state, 2400, 'G', options), []);
  assert.deepEqual(typeChordOps(state, 2400, '  ', options), [{ op: 'chord.delete', id: 'g' }]);
  assert.deepEqual(typeChordOps(state, 0, '', options), []);
  const inside = typeChordOps(state, 2640, 'D7', { ...options, rhythm: 'beat' });
  assert.deepEqual(strip(inside), [{ op: 'chord.update', duration: 240 }, { op: 'chord.add', start: 2640, duration: 480, symbol: 'D7' }]);
  assert.throws(() => typeChordOps(state, 0, 'H7', options), (e) => e instanceof OpError && /not one I can read/.test(e.message));
  // the ops fold: four chords typed with Tab
  let typed = piece();
  let tick = 0;
  for (const text of ['C', 'am', 'F', 'G7']) {
    typed = applyOps(typed, typeChordOps(typed, tick, text, options), ME);
    tick = stepPosition(tick, 1, options) ?? tick;
  }
  assert.deepEqual(Object.values(typed.chords).map((c) => [c.start, c.duration, c.symbol]),
    [[0, 1920, 'C'], [1920, 1920, 'Am'], [3840, 1920, 'F'], [5760, 1920, 'G7']]);
  assert.equal(chordAt(typed, 2000).symbol, 'Am');
});

test('moving and resizing stay inside the piece; the fold refuses overlaps', () => {
  const state = piece([{ op: 'chord.add', id: 'a', start: 0, duration: 960, symbol: 'C' },
    { op: 'chord.add', id: 'b', start: 1920, duration: 960, symbol: 'F' }]);
  const end = 4 * 1920;
  assert.deepEqual(moveChordOps(state, 'a', -480, end), []);
  assert.deepEqual(moveChordOps(state, 'b', 99999, end), [{ op: 'chord.update', id: 'b', start: end - 960 }]);
  assert.deepEqual(resizeChordOps(state, 'a', 480, end), [{ op: 'chord.update', id: 'a', duration: 480 }]);
  assert.deepEqual(resizeChordOps(state, 'b', 99999, end), [{ op: 'chord.update', id: 'b', duration: end - 1920 }]);
  assert.throws(() => applyOps(state, moveChordOps(state, 'a', 1440, end), ME), /a chord is already there/);
});

test('comping voices each chord from its pitch classes: bass low, tones close above, per bar', () => {
  assert.deepEqual(voicing('C', { bass: 36, chord: 55 }), [36, 55, 60, 64]);
  assert.deepEqual(voicing('Am7/G', { bass: 36, chord: 55 }), [43, 55, 57, 60, 64]);
  assert.deepEqual(voicing('G13', { bass: 40, chord: 52 }), [43, 53, 55, 57, 59]); // five tones: the fifth left out
  assert.deepEqual(voicing('N.C.', { bass: 36, chord: 55 }), []);
  const state = piece([{ op: 'chord.add', id: 'a', start: 960, duration: 1920 + 960, symbol: 'F' },
    { op: 'chord.add', id: 'n', start: 3840, duration: 480, symbol: 'N.C.' }]);
  const notes = compingNotes(state, 'piano');
  assert.deepEqual([...new Set(notes.map((n) => `${n.start}+${n.duration}`))], ['960+960', '1920+1920']);
  assert.deepEqual(notes.filter((n) => n.start === 960).map((n) => n.pitch), [41, 57, 60, 65]);
  assert.ok(notes.every((n) => n.track === '__comping'));
  assert.deepEqual(compingNotes(state, 'nothing'), []);
  assert.equal(compingChannel([{ channel: 0 }, { channel: 15 }]), 14);
  assert.equal(compingChannel(Array.from({ length: 16 }, (_, c) => ({ channel: c }))), 15);
});
