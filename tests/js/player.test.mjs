import assert from "node:assert/strict";
import { test } from "node:test";

import { Player } from "../../static/js/audio/player.js";

function fakeAudio() {
  const played = [];
  const context = { currentTime: 0 };
  const synth = { play: (n) => played.push(n), click: () => {}, stopAll: () => {} };
  return { context, synth, played };
}

const source = (notes) => () => ({ notes, tempo: 120, beatTicks: 480, barTicks: 1920,
  programOf: () => 0, audible: () => true });

test("plays the notes that fall in the lookahead window, without a loop", () => {
  const { context, synth, played } = fakeAudio();
  const player = new Player({ context, synth }, source([
    { pitch: 60, velocity: 90, start: 0, duration: 240, track: "t" },
    { pitch: 62, velocity: 90, start: 40, duration: 240, track: "t" }, // inside the first 100 ms
    { pitch: 64, velocity: 90, start: 4800, duration: 240, track: "t" }]));
  player.play(0);
  player.stop();
  assert.deepEqual(played.map((n) => n.pitch), [60, 62]); // the third is seconds away
  assert.ok(played.every((n) => Number.isFinite(n.when) && n.duration > 0));
});

test("loops the selected bars", () => {
  const { context, synth, played } = fakeAudio();
  const player = new Player({ context, synth }, source([{ pitch: 67, velocity: 90, start: 1920, duration: 480, track: "t" }]));
  player.loop = [1920, 3840];
  player.play(0);
  player.stop();
  assert.deepEqual(played.map((n) => n.pitch), [67]);
});
