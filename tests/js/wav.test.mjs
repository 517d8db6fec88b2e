import assert from 'node:assert/strict';
import { test } from 'node:test';

import { encodeWav } from '../../static/js/audio/wav.js';

test('a WAV file: RIFF header, 16-bit PCM, interleaved, clipped', () => {
  const left = new Float32Array([0, 0.5, -1, 2]);
  const right = new Float32Array([1, -0.5, 0.25, -3]);
  const wav = encodeWav([left, right], 44100);
  const view = new DataView(wav.buffer);
  const text = (at, n) => String.fromCharCode(...wav.slice(at, at + n));
  assert.equal(text(0, 4), 'RIFF');
  assert.equal(view.getUint32(4, true), wav.length - 8);
  assert.equal(text(8, 8), 'WAVEfmt ');
  assert.deepEqual([view.getUint16(20, true), view.getUint16(22, true), view.getUint32(24, true),
    view.getUint32(28, true), view.getUint16(32, true), view.getUint16(34, true)], [1, 2, 44100, 176400, 4, 16]);
  assert.equal(text(36, 4), 'data');
  assert.equal(view.getUint32(40, true), 16);
  const samples = Array.from({ length: 8 }, (_, i) => view.getInt16(44 + 2 * i, true));
  assert.deepEqual(samples, [0, 32767, 16384, -16384, -32768, 8192, 32767, -32768]);
});

test('a Broadcast WAV says where it starts: bext time reference in samples after midnight', () => {
  const wav = encodeWav([new Float32Array([0.5])], 48000, { timeReference: 3_600 * 48000 + 7, description: 'Reel 3, bar 1' });
  const view = new DataView(wav.buffer);
  const text = (at, n) => String.fromCharCode(...wav.slice(at, at + n));
  assert.equal(text(12, 4), 'bext');
  assert.equal(view.getUint32(16, true), 602);
  assert.equal(text(20, 13), 'Reel 3, bar 1');
  assert.equal(view.getUint32(20 + 338, true) + view.getUint32(20 + 342, true) * 2 ** 32, 3_600 * 48000 + 7);
  assert.equal(text(12 + 610, 4), 'fmt ');
  assert.equal(text(12 + 610 + 24, 4), 'data');
  assert.equal(view.getInt16(wav.length - 2, true), 16384);
  assert.equal(view.getUint32(4, true), wav.length - 8);
});

import { renderPlan } from '../../static/js/audio/render-plan.js';
import { tempoMap } from '../../static/js/core/tempo-map.js';

test('the render plays every audible note through the tempo map, offs before ons at the same time', () => {
  const notes = [{ track: 'a', start: 0, duration: 480, pitch: 60, velocity: 90 },
    { track: 'a', start: 480, duration: 480, pitch: 60, velocity: 80 }, // same key, starts where the first ends
    { track: 'b', start: 1920, duration: 960, pitch: 36, velocity: 100 }, // across the change to 60 BPM
    { track: 'muted', start: 0, duration: 480, pitch: 70, velocity: 90 }];
  const voices = { a: { program: 40, channel: 2, volume: 90, pan: 30 }, b: { program: 0, channel: 9 } };
  const plan = renderPlan({ notes, tempoMap: tempoMap([4, 4], 120, [{ bar: 1, tempo: 60 }]),
    voiceOf: (t) => voices[t], audible: (n) => n.track !== 'muted' });
  assert.deepEqual(plan.channels, [{ channel: 2, program: 40, volume: 90, pan: 30 }, { channel: 9, program: 0, volume: 100, pan: 64 }]);
  assert.deepEqual(plan.events.map((e) => [e.time, e.type, e.pitch]), [
    [0, 'on', 60], [0.5, 'off', 60], [0.5, 'on', 60], [1, 'off', 60], [2, 'on', 36], [4, 'off', 36]]);
  assert.equal(plan.seconds, 4);
});
