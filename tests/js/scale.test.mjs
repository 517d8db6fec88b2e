import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseCanonicalKey, scalePitchClasses, snapToScale } from '../../static/js/core/scale.js';

test('keys name their scale', () => {
  assert.deepEqual([...scalePitchClasses('C major')].sort((a, b) => a - b), [0, 2, 4, 5, 7, 9, 11]);
  assert.deepEqual([...scalePitchClasses('A minor')].sort((a, b) => a - b), [0, 2, 4, 5, 7, 8, 9, 11]);
  assert.deepEqual([...scalePitchClasses('Bb major')].sort((a, b) => a - b), [0, 2, 3, 5, 7, 9, 10]);
  assert.deepEqual(parseCanonicalKey('F# minor'), { tonic: 6, mode: 'minor' });
  assert.equal(parseCanonicalKey('H major'), null);
  assert.equal(scalePitchClasses('junk').size, 12);
});

test('snapping finds the nearest pitch of the key, ties upward', () => {
  const c = scalePitchClasses('C major');
  assert.equal(snapToScale(61, c), 62);
  assert.equal(snapToScale(60, c), 60);
  assert.equal(snapToScale(66, c), 67);
  assert.equal(snapToScale(70, scalePitchClasses('G major')), 71);
  assert.equal(snapToScale(127, c), 127);
});
