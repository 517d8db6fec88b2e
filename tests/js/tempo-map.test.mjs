// The tempo map's JS port against the Python one: every case of fixtures/tempo_map.json was written by
// engine/picture/tempo_map.py (tests/js/make_tempo_fixtures.py); the JS must give the same floats.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import {
  barBeat, position, secondsToTicks, tempoAt, tempoMap, ticksToSeconds, ticksToUs, usToTicks,
} from '../../static/js/core/tempo-map.js';
import { rng } from './helpers.mjs';

const cases = JSON.parse(readFileSync(new URL('./fixtures/tempo_map.json', import.meta.url), 'utf8'));

test('the fixtures cover constant tempi, maps, meters and fractional tempi', () => {
  assert.ok(cases.length >= 80);
  assert.ok(cases.filter((c) => c.tempo_changes.length === 0).length >= 20);
  assert.ok(cases.some((c) => c.tempo_changes.length >= 5));
  assert.ok(new Set(cases.map((c) => c.time_signature.join('/'))).size >= 8);
  assert.ok(cases.some((c) => !Number.isInteger(c.tempo)));
});

test('ticks <-> seconds, picture time, tempo and position equal the Python map exactly', () => {
  for (const c of cases) {
    const map = tempoMap(c.time_signature, c.tempo, c.tempo_changes);
    for (const [ticks, seconds, us, tempo, [bar, beat, into]] of c.ticks) {
      const where = `${JSON.stringify(c.tempo_changes)} ${c.tempo} ${c.time_signature} at tick ${ticks}`;
      assert.equal(ticksToSeconds(map, ticks), seconds, where);
      assert.equal(ticksToUs(map, ticks, c.start_offset_us), us, where);
      assert.equal(tempoAt(map, ticks), tempo, where);
      assert.deepEqual(position(map, ticks), { bar, beat, ticks: into }, where);
    }
    for (const [seconds, ticks] of c.seconds) assert.equal(secondsToTicks(map, seconds), ticks);
    for (const [us, ticks] of c.us) assert.equal(usToTicks(map, us, c.start_offset_us), ticks);
  }
});

test("with no tempo changes it is exactly the player's constant-tempo arithmetic", () => {
  const r = rng(16);
  for (let i = 0; i < 2000; i += 1) {
    const tempo = r.next() < 0.5 ? r.int(20, 401) : 20 + r.next() * 380;
    const map = tempoMap([r.int(1, 13), r.pick([1, 2, 4, 8, 16])], tempo);
    const ticks = r.next() < 0.5 ? r.int(0, 2_000_000) : r.next() * 2_000_000;
    const ticksPerSecond = (tempo / 60) * 480; // static/js/audio/player.js
    assert.equal(ticksToSeconds(map, ticks), ticks / ticksPerSecond);
    const seconds = r.next() * 3600;
    assert.equal(secondsToTicks(map, seconds), seconds * (tempo / 60) * 480);
  }
});

test('a change plays from its bar line on; bar/beat of a moment', () => {
  const map = tempoMap([4, 4], 120, [{ bar: 2, tempo: 60 }, [4, 240]]);
  assert.equal(ticksToSeconds(map, 2 * 1920), 4); // two bars of 2 s at 120
  assert.equal(ticksToSeconds(map, 3 * 1920), 8); // then a bar of 4 s at 60
  assert.equal(ticksToSeconds(map, 4 * 1920), 12);
  assert.equal(ticksToSeconds(map, 5 * 1920), 13); // then 1 s bars at 240
  assert.equal(secondsToTicks(map, 10), 3 * 1920 + 960);
  assert.deepEqual(barBeat(map, 10), { bar: 3, beat: 2, ticks: 0 });
  assert.equal(ticksToSeconds(map, -480), -0.5, 'before bar 0 the bar-0 tempo runs on');
});

test('refuses maps that are not maps', () => {
  for (const bad of [[[{ bar: 0, tempo: 90 }]], [[{ bar: 3, tempo: 90 }, { bar: 2, tempo: 80 }]],
    [[{ bar: 2, tempo: 90 }, { bar: 2, tempo: 80 }]], [[{ bar: 1.5, tempo: 90 }]], [[{ bar: 1, tempo: 0 }]],
    [[{ bar: 1, tempo: '90' }]], [[{ bar: 1, tempo: NaN }]]]) {
    assert.throws(() => tempoMap([4, 4], 120, ...bad), RangeError, JSON.stringify(bad));
  }
  assert.throws(() => tempoMap([4, 4], -1), RangeError);
  assert.throws(() => tempoMap([0, 4], 120), RangeError);
});
