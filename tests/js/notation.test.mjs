// Notes as the score shows them (static/js/core/notation.js) against where the server's MusicXML export put
// them: tests/js/fixtures/notation.json is written by tests/js/make_notation_fixtures.py from the export.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { noteKeys, quantizeForNotation } from '../../static/js/core/notation.js';

const fixtures = JSON.parse(readFileSync(new URL('./fixtures/notation.json', import.meta.url), 'utf8'));

test('quantizeForNotation is the export\'s quantize_for_notation', () => {
  assert.ok(fixtures.quantize.length >= 40);
  for (const [start, duration, end, expected] of fixtures.quantize) {
    assert.deepEqual(quantizeForNotation(start, duration, end), expected, `${start}+${duration}`);
  }
});

test('every note the export writes is found by its key, and only those', () => {
  for (const { state, track_ids: trackIds, bar_ticks: barTicks, written } of fixtures.pieces) {
    const keys = noteKeys(state, trackIds, barTicks);
    assert.deepEqual([...keys.keys()].sort(), written);
    const ids = [...keys.values()].flat();
    const expected = Object.values(state.notes).filter((n) => !trackIds || trackIds.includes(n.track));
    assert.equal(ids.length, expected.length);
    assert.deepEqual(new Set(ids), new Set(expected.map((n) => n.id)));
  }
});
