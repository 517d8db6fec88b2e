// Musical time and the tick/pixel, pitch/row mapping of the roll.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  barTicks, beatTicks, formatPosition, gridTicks, pitchToY, snap, snapDown, tickToX, TICKS_PER_QUARTER, xToTick,
  yToPitch, zoomAt,
} from '../../static/js/core/ticks.js';

test('bars, beats and grids in ticks', () => {
  assert.equal(TICKS_PER_QUARTER, 480);
  assert.equal(barTicks([4, 4]), 1920);
  assert.equal(barTicks([3, 4]), 1440);
  assert.equal(barTicks([6, 8]), 1440);
  assert.equal(barTicks([7, 16]), 840);
  assert.equal(barTicks([3, 32]), 180);
  assert.equal(beatTicks([6, 8]), 240);
  const grids = { '1/4': 480, '1/8': 240, '1/16': 120, '1/32': 60, '1/4t': 320, '1/8t': 160, '1/16t': 80 };
  for (const [name, ticks] of Object.entries(grids)) assert.equal(gridTicks(name), ticks, name);
  assert.equal(3 * gridTicks('1/8t'), 2 * gridTicks('1/8'), 'a triplet is three in the time of two');
  assert.throws(() => gridTicks('1/5'), RangeError);
  assert.throws(() => gridTicks('constructor'), RangeError);
});

test('snap to the nearest line, snapDown to the line before', () => {
  assert.equal(snap(0, 120), 0);
  assert.equal(snap(59, 120), 0);
  assert.equal(snap(60, 120), 120, 'halfway goes later');
  assert.equal(snap(1000, 480), 960);
  assert.equal(snap(1000, 320), 960);
  assert.equal(snapDown(959, 480), 480);
  assert.equal(snapDown(960, 480), 960);
  // triplets in 3/8 restart at each bar when the bar start is the origin
  assert.equal(snap(720 + 330, 320, 720), 1040);
  assert.equal(snapDown(720 + 10, 320, 720), 720);
});

test('tick <-> x and pitch <-> y for a scrolled, zoomed view', () => {
  const view = { pixelsPerTick: 0.1, scrollTick: 1920, rowHeight: 12, topPitch: 84 };
  assert.equal(tickToX(1920, view), 0);
  assert.equal(tickToX(2400, view), 48, 'a quarter note is 48 px');
  assert.equal(xToTick(48, view), 2400);
  for (const tick of [0, 1920, 2017, 99999]) assert.ok(Math.abs(xToTick(tickToX(tick, view), view) - tick) < 1e-9);
  assert.equal(pitchToY(84, view), 0);
  assert.equal(pitchToY(83, view), 12);
  assert.equal(yToPitch(0, view), 84);
  assert.equal(yToPitch(11.99, view), 84, 'the whole row belongs to its pitch');
  assert.equal(yToPitch(12, view), 83);
  assert.equal(yToPitch(-1, view), 85, 'above the top row');
  for (let pitch = 0; pitch < 128; pitch += 1) {
    assert.equal(yToPitch(pitchToY(pitch, view) + 6, view), pitch);
  }
  const half = { ...view, topPitch: 84.5 }; // scrolled half a row
  assert.equal(pitchToY(84, half), 6);
  assert.equal(yToPitch(5, half), 85);
  assert.equal(yToPitch(6, half), 84);
});

test('zooming keeps the tick under the pointer in place', () => {
  const view = { pixelsPerTick: 0.1, scrollTick: 960, rowHeight: 10, topPitch: 72 };
  const zoomed = zoomAt(view, 2, 300);
  assert.equal(zoomed.pixelsPerTick, 0.2);
  assert.ok(Math.abs(xToTick(300, zoomed) - xToTick(300, view)) < 1e-9);
  assert.equal(view.pixelsPerTick, 0.1, 'the old view is unchanged');
});

test('positions read bar.beat.tick, bar and beat from 1', () => {
  assert.equal(formatPosition(0, [4, 4]), '1.1.0');
  assert.equal(formatPosition(479, [4, 4]), '1.1.479');
  assert.equal(formatPosition(480, [4, 4]), '1.2.0');
  assert.equal(formatPosition(2040, [4, 4]), '2.1.120');
  assert.equal(formatPosition(1440, [6, 8]), '2.1.0');
  assert.equal(formatPosition(1200, [6, 8]), '1.6.0');
  assert.equal(formatPosition(1920 * 3 + 960 + 5, [4, 4]), '4.3.5');
});
