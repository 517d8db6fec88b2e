// Scoring to picture in the pure core: a fit applied as one undoable message, the timecode ruler, the
// video's sync correction, scene cuts from frame differences, and the cue targets seam for the AI.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  cueRequest, cueTargets, fitOps, rulerMarks, sceneCuts, snapToFrame, syncCorrection, tickToUs, usToTick,
} from '../../static/js/core/picture.js';
import { applyOps } from '../../static/js/core/state.js';
import { UndoStack } from '../../static/js/core/undo.js';
import { ANA, music, piece } from './helpers.mjs';

function scored() {
  return applyOps(piece([{ start: 0 }, { start: 1920 * 3 }], ANA, 6), [
    { op: 'piece.update', tempo: 120, fps: '25', start_offset_us: 2_000_000 },
    { op: 'tempo.set', bar: 2, tempo: 90 },
    { op: 'cue.add', id: 'q1', time_us: 2_000_000, kind: 'start' },
    { op: 'cue.add', id: 'q2', time_us: 4_500_000, kind: 'hit', label: 'door' },
    { op: 'cue.add', id: 'q3', time_us: 6_000_000, kind: 'cadence' },
  ], ANA);
}

test('picture time and ticks through the map and the start offset', () => {
  const state = scored();
  assert.equal(tickToUs(state, 0), 2_000_000);
  assert.equal(tickToUs(state, 1920 * 2), 6_000_000); // two bars at 120 = 4 s
  assert.equal(usToTick(state, 6_000_000 + 2_000_000 / 3), 1920 * 2 + 480); // a beat at 90 BPM is 2/3 s
  assert.equal(snapToFrame(1_019_999, '25'), 1_000_000);
  assert.equal(snapToFrame(1_020_000, '25'), 1_040_000);
});

test('a fit is one message: old changes out, tempo, offset and bars in, new changes set; undo takes it all back', () => {
  const before = scored();
  const solution = { tempo: 100, start_offset_us: 1_960_000, bars: 9, tempo_changes: [{ bar: 3, tempo: 104 }, { bar: 7, tempo: 98 }] };
  const ops = fitOps(before, solution);
  assert.deepEqual(ops, [
    { op: 'tempo.delete', bar: 2 },
    { op: 'piece.update', tempo: 100, start_offset_us: 1_960_000, bars: 9 },
    { op: 'tempo.set', bar: 3, tempo: 104 }, { op: 'tempo.set', bar: 7, tempo: 98 }]);
  const stack = new UndoStack({ actor: ANA });
  stack.record(before, ops);
  const after = applyOps(before, ops, ANA);
  assert.deepEqual([after.piece.tempo, after.piece.start_offset_us, after.piece.bars], [100, 1_960_000, 9]);
  assert.deepEqual(after.tempo_changes.map(({ bar, tempo }) => [bar, tempo]), [[3, 104], [7, 98]]);
  const undo = stack.undo(after);
  assert.deepEqual(music(applyOps(after, undo.ops, ANA)), music(before));
  // a longer piece keeps its length; another meter is set with the rest
  const long = applyOps(before, [{ op: 'piece.update', bars: 20 }], ANA);
  assert.deepEqual(fitOps(long, { ...solution, tempo_changes: [] }, [3, 4])[1],
    { op: 'piece.update', tempo: 100, start_offset_us: 1_960_000, time_signature: [3, 4] });
  assert.deepEqual(fitOps(after, { ...solution }).filter((op) => op.op === 'piece.update'), []);
});

test('the timecode ruler labels whole frames, seconds or minutes as far apart as the zoom allows', () => {
  const state = scored();
  const close = rulerMarks(state, 0, 1920, 0.5); // 1920 ticks = 1 s at 120 BPM; 960 px: a label every few frames
  assert.ok(close.stepFrames < 25 && close.labels.length >= 5);
  assert.equal(close.labels[0].text, '00:00:02:00');
  assert.equal(close.labels[0].tick, 0);
  const far = rulerMarks(state, 0, 1920 * 6, 0.02); // 6 bars in 230 px
  assert.ok(far.stepFrames >= 25 * 5, `step ${far.stepFrames}`);
  for (const { tick, text } of far.labels) {
    const [h, m, s, f] = text.split(':').map(Number);
    assert.equal(f, 0);
    assert.ok(Math.abs(tickToUs(state, tick) - ((h * 3600 + m * 60 + s) * 1e6)) < 1, text);
  }
  const df = applyOps(state, [{ op: 'piece.update', fps: '29.97df', start_offset_us: 59_000_000 }], ANA);
  assert.ok(rulerMarks(df, 0, 1920 * 2, 0.2).labels.some((l) => l.text === '00:01:00;02'));
});

test('the video follows the transport: small drift is eased out by the rate, large drift is a seek', () => {
  const tiny = syncCorrection(10, 10.002); // inside the dead zone: only the learned ratio moves
  assert.equal(tiny.rate, tiny.base);
  assert.ok(tiny.base > 1 && tiny.base < 1.0001);
  const late = syncCorrection(9.96, 10);
  assert.ok(late.rate > 1.15 && late.rate <= 1.5 && late.seek === undefined);
  const early = syncCorrection(10.03, 10);
  assert.ok(early.rate < 0.9 && early.rate >= 0.5);
  assert.equal(syncCorrection(11, 10).seek, 10);
  const dead = syncCorrection(9.99, 10, {}, { deadS: 0.02 });
  assert.equal(dead.rate, dead.base);
});

test('a clock that runs steadily slower is learned: the drift goes to zero, not to a standing error', () => {
  // The transport runs 3 % slower than the video's own clock; one correction per 60 Hz frame.
  let [video, target, rate, base] = [0, 0, 1, 1];
  const drifts = [];
  for (let frame = 0; frame < 60 * 120; frame++) {
    video += rate / 60;
    target += 0.97 / 60;
    const fix = syncCorrection(video, target, { base, dtS: 1 / 60 });
    if (fix.seek !== undefined) video = fix.seek;
    ({ rate, base } = fix);
    drifts.push(Math.abs(fix.drift));
  }
  assert.ok(Math.abs(base - 0.97) < 0.005, `learned ${base}`);
  assert.ok(Math.max(...drifts.slice(-600)) < 0.005, 'within 5 ms over the last 10 s');
  assert.ok(Math.max(...drifts) < 0.04, 'never a frame off');
});

test('scene cuts stand out from the frames around them; one cut per half second', () => {
  const samples = [];
  for (let i = 1; i < 100; i++) samples.push({ time: i * 0.1, diff: 0.01 + (i % 3) * 0.005 });
  samples[19].diff = 0.6; // a cut at 2.0 s
  samples[20].diff = 0.3; // its tail (a dissolve's second frame) is not a second cut
  samples[59].diff = 0.4; // 6.0 s
  samples[80].diff = 0.09; // a flash under the floor
  assert.deepEqual(sceneCuts(samples).map((c) => c.time), [2.0, 6.0]);
  const moving = samples.map((s) => ({ ...s, diff: 0.2 })); // a pan: everything changes, nothing stands out
  assert.deepEqual(sceneCuts(moving), []);
});

test('writing to the cues: each cue\'s target through the map, and the request that ends at a cadence', () => {
  const state = scored();
  assert.deepEqual(cueTargets(state).map(({ cue, target, bar, beat, tick }) => ({ cue, target, bar, beat, tick })), [
    { cue: 'q1', target: 'downbeat', bar: 0, beat: 0, tick: 0 },
    { cue: 'q2', target: 'beat', bar: 1, beat: 1, tick: 1920 + 480 }, // 2.5 s after bar 1 at 120 BPM
    { cue: 'q3', target: 'downbeat', bar: 2, beat: 0, tick: 3840 }]);
  const request = cueRequest(state, { operation: 'continue', tracks: ['t1'], fromBar: 1, cueId: 'q3' });
  assert.deepEqual(request, { type: 'generate', operation: 'continue', tracks: ['t1'], bars: [1, 3],
    controls: { cue_targets: [{ kind: 'hit', tick: 2400 }, { kind: 'cadence', tick: 3840 }] } });
  assert.throws(() => cueRequest(state, { cueId: 'nope' }), RangeError);
  // Without a cue named: up to the next cadence; a start cue is no target; two cues on one beat are one target.
  const track = state.tracks[0].id;
  const more = applyOps(state, [{ op: 'cue.add', id: 'q4', time_us: 4_510_000, kind: 'hit', label: 'cut' },
    { op: 'cue.add', id: 'q5', time_us: 12_000_000, kind: 'hit' }], ANA);
  const auto = cueRequest(more, { tracks: [track], fromBar: 0 });
  assert.deepEqual([auto.bars, auto.controls.cue_targets], [[0, 3], [{ kind: 'hit', tick: 2400 }, { kind: 'cadence', tick: 3840 }]]);
  assert.equal(auto.operation, 'infill'); // the track has notes in those bars
  assert.equal(cueRequest(more, { tracks: [track], fromBar: 4 }).operation, 'continue');
  assert.deepEqual(cueRequest(more, { tracks: [track], fromBar: 3 }).bars, [3, 5]); // no cadence ahead: the last hit
  assert.throws(() => cueRequest(more, { tracks: [track], fromBar: 9 }), /No cadence or hit cue from bar 10/);
});

test('whatever the cues and the map, the targets sent are ones the engine takes (engine/cue_targets.py check)', () => {
  let seed = 7;
  const random = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
  for (let n = 0; n < 200; n++) {
    const meter = random() < 0.5 ? [4, 4] : [3, 4];
    const perBar = meter[0] * 480;
    const ops = [{ op: 'piece.update', tempo: 60 + Math.floor(random() * 100), time_signature: meter, bars: 40,
      start_offset_us: Math.floor(random() * 3_000_000) }];
    if (random() < 0.5) ops.push({ op: 'tempo.set', bar: 1 + Math.floor(random() * 6), tempo: 60 + Math.floor(random() * 100) });
    for (let c = 0; c < 1 + random() * 8; c++) {
      ops.push({ op: 'cue.add', id: `c${c}`, time_us: Math.floor(random() * 40_000_000), kind: ['hit', 'cadence', 'start', 'stop'][Math.floor(random() * 4)] });
    }
    const state = applyOps(piece([], ANA, 40), ops, ANA);
    const fromBar = Math.floor(random() * 6);
    let request;
    try {
      request = cueRequest(state, { tracks: ['t1'], fromBar });
    } catch (error) {
      assert.ok(error instanceof RangeError);
      continue;
    }
    const [lo, hi] = request.bars.map((b) => b * perBar);
    const targets = request.controls.cue_targets;
    assert.ok(targets.length >= 1 && targets.length <= 32);
    assert.equal(new Set(targets.map((t) => `${t.kind} ${t.tick}`)).size, targets.length);
    for (const t of targets) {
      assert.deepEqual(Object.keys(t).sort(), ['kind', 'tick']);
      assert.ok(['cadence', 'hit'].includes(t.kind));
      assert.ok(Number.isInteger(t.tick) && lo <= t.tick && t.tick < hi, `${t.tick} in [${lo}, ${hi})`);
      assert.equal(t.tick % (t.kind === 'cadence' ? perBar : 480), 0);
    }
    assert.equal(request.operation, 'continue'); // no notes: nothing to fill in
  }
});
