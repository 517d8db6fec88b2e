// The timecode JS port against the Python one: every case of fixtures/timecode.json was written by
// engine/picture/timecode.py (tests/js/make_tempo_fixtures.py); the JS must give the same frames,
// microseconds and text, and refuse the same input.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import {
  formatSeconds, formatTimecode, formatUs, frameAt, framesToUs, frameUs, parseTime, parseTimecode, rate, usToFrames,
} from '../../static/js/core/timecode.js';
import { rng } from './helpers.mjs';

const cases = JSON.parse(readFileSync(new URL('./fixtures/timecode.json', import.meta.url), 'utf8'));
const RATES = ['24', '25', '29.97df', '30'];

test('the fixtures cover every rate, and both accepted and refused text', () => {
  assert.deepEqual(Object.keys(cases).sort(), [...RATES].sort());
  for (const fps of RATES) {
    assert.ok(cases[fps].texts.some(([, us]) => us === null));
    assert.ok(cases[fps].texts.some(([, us]) => us !== null));
  }
});

test('frames, microseconds and timecode equal the Python side at every rate', () => {
  for (const fps of RATES) {
    for (const [frames, text, us] of cases[fps].frames) {
      assert.equal(formatTimecode(frames, fps), text, `${fps} frame ${frames}`);
      assert.equal(framesToUs(frames, fps), us, `${fps} frame ${frames}`);
      assert.equal(parseTimecode(text, fps), frames, `${fps} ${text}`);
    }
    for (const [us, nearest, shown, seconds] of cases[fps].us) {
      assert.equal(usToFrames(us, fps), nearest, `${fps} ${us} us`);
      assert.equal(frameAt(us, fps), shown, `${fps} ${us} us`);
      assert.equal(formatSeconds(us), seconds);
      assert.equal(parseTime(seconds, fps), us, 'plain seconds read back exactly');
    }
  }
});

test('parseTime accepts and refuses exactly what the Python side does', () => {
  for (const fps of RATES) {
    for (const [text, us] of cases[fps].texts) {
      if (us === null) assert.throws(() => parseTime(text, fps), RangeError, `${fps} ${JSON.stringify(text)}`);
      else assert.equal(parseTime(text, fps), us, `${fps} ${JSON.stringify(text)}`);
    }
  }
});

test('drop-frame: the labels ;00 and ;01 are skipped each minute except every tenth', () => {
  assert.equal(formatTimecode(1799, '29.97df'), '00:00:59;29');
  assert.equal(formatTimecode(1800, '29.97df'), '00:01:00;02');
  assert.equal(formatTimecode(17982, '29.97df'), '00:10:00;00');
  assert.equal(parseTimecode('00:01:00.02', '29.97df'), 1800, "'.' is a drop-frame separator too");
  assert.throws(() => parseTimecode('00:01:00;00', '29.97df'), /skipped/);
  assert.throws(() => parseTime('00:00:01;00', '25'), /drop-frame/);
  assert.equal(frameUs('29.97df'), 1_001_000 / 30);
  assert.equal(formatUs(3_600_000_000, '29.97df'), '01:00:00;00', 'drop-frame keeps up with the clock');
  assert.equal(framesToUs(107_892, '29.97df'), 3_599_996_400, '01:00:00;00 is 3.6 ms short of an hour');
});

test('frame -> timecode -> frame and frame -> us -> frame round-trip at every rate', () => {
  const r = rng(1616);
  for (const fps of RATES) {
    const last = parseTimecode(fps === '29.97df' ? '23:59:59;29' : `23:59:59:${rate(fps).nominal - 1}`, fps);
    for (let i = 0; i < 3000; i += 1) {
      const frame = r.int(0, last + 1);
      assert.equal(parseTimecode(formatTimecode(frame, fps), fps), frame);
      assert.equal(usToFrames(framesToUs(frame, fps), fps), frame);
      assert.equal(frameAt(framesToUs(frame, fps), fps), frame);
    }
  }
});

test('junk and bad rates are refused with the accepted forms named', () => {
  assert.throws(() => parseTime('soon', '25'), /hh:mm:ss:ff.*seconds \(12\.5, 1:02\.250/);
  assert.throws(() => rate('23.976'), /24, 25, 29\.97df, 30/);
  assert.throws(() => parseTime(12, '25'), RangeError);
  assert.throws(() => formatTimecode(-1, '25'), RangeError);
  assert.throws(() => formatTimecode(24 * 3600 * 25, '25'), /past 23:59:59/);
});
