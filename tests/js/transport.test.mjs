// The tempo map through playback scheduling: core/transport.js and the player on a fake clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Player } from '../../static/js/audio/player.js';
import { tempoMap, ticksToSeconds } from '../../static/js/core/tempo-map.js';
import { durationSeconds, timeline } from '../../static/js/core/transport.js';
import { rng } from './helpers.mjs';

const close = (a, b, where, eps = 1e-9) => assert.ok(Math.abs(a - b) <= eps, `${where}: ${a} vs ${b}`);

/** The player's arithmetic before tempo maps, kept here to prove a constant tempo is unchanged. */
const oldWhen = (t0, at, startTick, tempo) => t0 + (at - startTick) / ((tempo / 60) * 480);

function fakeAudio() {
  const played = [];
  const clicks = [];
  const context = { currentTime: 0 };
  const synth = { play: (n) => played.push(n), click: (when, accent) => clicks.push({ when, accent }), stopAll: () => {} };
  return { context, synth, played, clicks };
}

function source(notes, { tempo = 120, changes = [], ts = [4, 4] } = {}) {
  const map = tempoMap(ts, tempo, changes);
  return () => ({ notes, tempo, tempoMap: map, beatTicks: 1920 / ts[1], barTicks: (1920 * ts[0]) / ts[1],
    programOf: () => 0, audible: () => true });
}

/** Run the transport on the fake clock for `seconds`, calling the scheduler every 25 ms as the timer would. */
function run(player, context, seconds) {
  for (let t = context.currentTime; t <= seconds; t += 0.025) {
    context.currentTime = t;
    player.schedule();
    if (!player.playing) break;
  }
}

test('a constant tempo: the same clock as before tempo maps, float for float', () => {
  const random = rng(16).next;
  for (let i = 0; i < 200; i++) {
    const tempo = 20 + Math.floor(random() * 380);
    const start = Math.floor(random() * 50_000);
    const clock = timeline(tempoMap([4, 4], tempo), start);
    const at = start + Math.floor(random() * 100_000);
    assert.equal(clock.seconds(at), (at - start) / ((tempo / 60) * 480));
    const s = random() * 100;
    assert.equal(clock.ticks(s), start + s * (tempo / 60) * 480);
    assert.equal(durationSeconds(tempoMap([3, 4], tempo), at, 333), 333 / ((tempo / 60) * 480));
  }
});

test('the player without tempo changes schedules exactly what it did before', () => {
  const notes = Array.from({ length: 40 }, (_, i) => ({ pitch: 60 + (i % 12), velocity: 90, start: i * 250, duration: 200, track: 't' }));
  const { context, synth, played } = fakeAudio();
  const player = new Player({ context, synth }, source(notes, { tempo: 97 }));
  player.play(500);
  run(player, context, 14);
  player.stop();
  assert.equal(played.length, 38);
  for (const [i, n] of played.entries()) {
    const note = notes[i + 2];
    assert.equal(n.when, oldWhen(player.t0, note.start, 500, 97));
    assert.equal(n.duration, note.duration / ((97 / 60) * 480));
  }
});

test('notes after a tempo change play at the map\'s times, and a note across it lasts what the map says', () => {
  // 120 BPM for bar 0, 60 BPM from bar 1: bar 0 lasts 2 s, each later bar 4 s.
  const notes = [{ pitch: 60, velocity: 90, start: 0, duration: 480, track: 't' },
    { pitch: 62, velocity: 90, start: 1440, duration: 960, track: 't' }, // beat 4 of bar 0, into bar 1
    { pitch: 64, velocity: 90, start: 1920 + 480, duration: 480, track: 't' }];
  const { context, synth, played } = fakeAudio();
  const player = new Player({ context, synth }, source(notes, { changes: [{ bar: 1, tempo: 60 }] }));
  player.play(0);
  run(player, context, 5);
  player.stop();
  const t0 = player.t0;
  assert.deepEqual(played.map((n) => n.pitch), [60, 62, 64]);
  close(played[0].when, t0, 'first');
  close(played[1].when, t0 + 1.5, 'before the change');
  close(played[1].duration, 0.5 + 0.5 * 2, 'half at 120, half at 60'); // 480 ticks at 120 + 480 at 60
  close(played[2].when, t0 + 2 + 1, 'a beat after the change at 60 BPM');
});

test('the playhead follows the map: tickNow is the tick the map puts at the clock', () => {
  const changes = [{ bar: 1, tempo: 90 }, { bar: 3, tempo: 150 }];
  const map = tempoMap([4, 4], 120, changes);
  const { context, synth } = fakeAudio();
  const player = new Player({ context, synth }, source([{ pitch: 60, velocity: 90, start: 30_000, duration: 480, track: 't' }], { changes }));
  player.play(960);
  // Found by bisection on ticksToSeconds, not by the inverse the player uses.
  const tickAt = (elapsed) => {
    let [lo, hi] = [960, 40_000];
    for (let k = 0; k < 100; k++) {
      const mid = (lo + hi) / 2;
      if (ticksToSeconds(map, mid) - ticksToSeconds(map, 960) < elapsed) lo = mid; else hi = mid;
    }
    return lo;
  };
  for (const elapsed of [0, 0.4, 1.0, 2.5, 4.1, 7.3, 9.9]) {
    context.currentTime = player.t0 + elapsed;
    close(player.tickNow(), tickAt(elapsed), `at ${elapsed} s`, 1e-6);
  }
  player.stop();
});

test('a loop across a tempo change repeats with the map\'s lap length and the playhead wraps', () => {
  // Loop bars 0-2 with 60 BPM from bar 1: a lap is 2 s + 4 s = 6 s.
  const notes = [{ pitch: 67, velocity: 90, start: 0, duration: 240, track: 't' },
    { pitch: 69, velocity: 90, start: 1920, duration: 240, track: 't' }];
  const { context, synth, played } = fakeAudio();
  const player = new Player({ context, synth }, source(notes, { changes: [{ bar: 1, tempo: 60 }] }));
  player.loop = [0, 3840];
  player.play(0);
  run(player, context, 13);
  const t0 = player.t0;
  const whens = played.map((n) => n.when - t0);
  [0, 2, 6, 8, 12].forEach((expected, i) => close(whens[i], expected, `note ${i}`));
  context.currentTime = t0 + 6 + 3; // one lap and 3 s: 1 s into bar 1 at 60 BPM
  close(player.tickNow(), 1920 + 480, 'wrapped playhead', 1e-6);
  player.stop();
});

test('the metronome clicks on the map\'s beats, accents on bar lines; the count-in is at the start\'s tempo', () => {
  const { context, synth, clicks } = fakeAudio();
  const player = new Player({ context, synth }, source([{ pitch: 60, velocity: 90, start: 9000, duration: 480, track: 't' }],
    { changes: [{ bar: 1, tempo: 60 }], ts: [3, 4] }));
  player.metronome = true;
  player.play(0);
  run(player, context, 4.5);
  player.stop();
  const t0 = player.t0;
  const times = clicks.map((c) => +(c.when - t0).toFixed(9));
  // bar 0 (3 beats at 120): 0, 0.5, 1; bar 1 at 60: 1.5, 2.5, 3.5; bar 2: 4.5
  assert.deepEqual(times.slice(0, 7), [0, 0.5, 1, 1.5, 2.5, 3.5, 4.5]);
  assert.deepEqual(clicks.slice(0, 7).map((c) => c.accent), [true, false, false, true, false, false, true]);

  const count = fakeAudio();
  const counted = new Player({ context: count.context, synth: count.synth }, source([{ pitch: 60, velocity: 90, start: 3000, duration: 480, track: 't' }],
    { changes: [{ bar: 1, tempo: 60 }], ts: [3, 4] }));
  counted.countIn = true;
  counted.play(1920 * 3 / 4); // from bar 1, where the tempo is 60: three clicks a second apart
  counted.stop();
  const first = count.clicks[0].when;
  assert.deepEqual(count.clicks.slice(0, 3).map((c) => +(c.when - first).toFixed(9)), [0, 1, 2]);
  close(counted.t0 - first, 3, 'the music starts after the count-in bar');
});
