import assert from "node:assert/strict";
import { test } from "node:test";

import { LiveRecorder, parseMidiMessage, StepRecorder } from "../../static/js/midi/messages.js";

test("note on, note off and note-on with velocity 0", () => {
  assert.deepEqual(parseMidiMessage([0x91, 60, 100]), { type: "on", pitch: 60, velocity: 100, channel: 1 });
  assert.equal(parseMidiMessage([0x80, 60, 0]).type, "off");
  assert.equal(parseMidiMessage([0x90, 60, 0]).type, "off");
  assert.equal(parseMidiMessage([0xb0, 64, 127]), null); // a pedal is not a note
  assert.equal(parseMidiMessage([0xf8]), null);
});

test("step input puts a chord on one step and moves on after release", () => {
  const step = new StepRecorder({ grid: 240, cursor: 960 });
  const a = step.event({ type: "on", pitch: 60, velocity: 90 }, "t1");
  const b = step.event({ type: "on", pitch: 64, velocity: 80 }, "t1");
  assert.equal(a.start, 960);
  assert.equal(b.start, 960);
  step.event({ type: "off", pitch: 60 }, "t1");
  assert.equal(step.cursor, 960);
  step.event({ type: "off", pitch: 64 }, "t1");
  assert.equal(step.cursor, 1200);
  assert.equal(step.event({ type: "on", pitch: 67, velocity: 70 }, "t1").start, 1200);
});

test("live recording quantizes to the grid and never makes empty notes", () => {
  const live = new LiveRecorder({ grid: 120 });
  assert.equal(live.event({ type: "on", pitch: 60, velocity: 99 }, 130, "t1"), null);
  const note = live.event({ type: "off", pitch: 60 }, 170, "t1");
  assert.deepEqual(note, { track: "t1", start: 120, duration: 120, pitch: 60, velocity: 99 });
  const raw = new LiveRecorder({ grid: 120, quantize: false });
  raw.event({ type: "on", pitch: 62, velocity: 50 }, 10.4, "t1");
  assert.equal(raw.event({ type: "off", pitch: 62 }, 333.3, "t1").duration, 323);
  assert.equal(live.event({ type: "off", pitch: 99 }, 400, "t1"), null); // a key-up without key-down
});
