// Keys and chord symbols: the JS port against the server's parser. Every entry of fixtures/symbols.json
// was produced by composer_ui/symbols.py (tests/js/make_fixtures.py); the JS must give the same canonical
// text (and the same parsed chord), or the same error code.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { normalizeOps, OpError } from '../../static/js/core/schema.js';
import { normalizeChord, normalizeKey, parseChord } from '../../static/js/core/symbols.js';

const fixtures = JSON.parse(readFileSync(new URL('./fixtures/symbols.json', import.meta.url), 'utf8'));

function outcome(fn, input) {
  try {
    return fn(input);
  } catch (error) {
    if (!(error instanceof OpError)) throw error;
    return { error: error.code };
  }
}

test('the fixtures hold hundreds of inputs, read and refused', () => {
  assert.ok(fixtures.keys.length >= 300 && fixtures.chords.length >= 500);
  for (const list of [fixtures.keys, fixtures.chords]) {
    assert.ok(list.filter((e) => e.error).length >= 100);
    assert.ok(list.filter((e) => !e.error).length >= 200);
  }
});

test('normalizeKey gives the Python canonical key or error on every fixture', () => {
  for (const { input, key, error } of fixtures.keys) {
    const got = outcome((v) => ({ key: normalizeKey(v) }), input);
    assert.deepEqual(got, error ? { error } : { key }, JSON.stringify(input));
  }
});

test('parseChord gives the Python chord (symbol, root, tones, bass) or error on every fixture', () => {
  for (const { input, error, ...chord } of fixtures.chords) {
    const got = outcome(parseChord, input);
    assert.deepEqual(got, error ? { error } : chord, JSON.stringify(input));
  }
});

test('normalizeOps rewrites keys and symbols as the server does, or fails on the same op', () => {
  for (const { ops, result, error } of fixtures.normalize_ops) {
    let got;
    try {
      got = { result: normalizeOps(ops) };
    } catch (e) {
      if (!(e instanceof OpError)) throw e;
      got = { error: { code: e.code, index: e.index } };
    }
    assert.deepEqual(got, error ? { error } : { result }, JSON.stringify(ops));
  }
});

test('every spelling of the spec', () => {
  const keys = { G: 'G major', g: 'G major', 'e minor': 'E minor', 'E min': 'E minor', em: 'E minor', Em: 'E minor',
    Bb: 'Bb major', 'B♭ major': 'Bb major', 'b-flat major': 'Bb major', 'B flat': 'Bb major', 'F# minor': 'F# minor',
    'F♯m': 'F# minor', 'f sharp minor': 'F# minor', 'C major': 'C major', cmaj: 'C major', CM: 'C major' };
  for (const [typed, canonical] of Object.entries(keys)) assert.equal(normalizeKey(typed), canonical, typed);
  for (const junk of ['H major', 'X', '', 'C majorr', 'C'.repeat(41)]) assert.throws(() => normalizeKey(junk), { code: 'invalid' });
  const chords = { C: 'C', Cm: 'Cm', C7: 'C7', Cmaj7: 'Cmaj7', Cm7b5: 'Cm7b5', Cdim7: 'Cdim7', Csus4: 'Csus4', C6: 'C6',
    C9: 'C9', 'C/E': 'C/E', 'F#m': 'F#m', Bb7: 'Bb7', 'N.C.': 'N.C.', Cmin: 'Cm', 'C-': 'Cm', CM7: 'Cmaj7',
    'CΔ7': 'Cmaj7', 'Cø7': 'Cm7b5', 'C°': 'Cdim', Cdim: 'Cdim', Caug: 'Caug', 'C+': 'Caug', Csus2: 'Csus2',
    Cadd9: 'Cadd9', C11: 'C11', C13: 'C13', C7b9: 'C7b9', 'C7#9': 'C7#9', Cm6: 'Cm6', Cm9: 'Cm9', 'C6/9': 'C6/9',
    NC: 'N.C.', 'N.C': 'N.C.' };
  for (const [typed, canonical] of Object.entries(chords)) assert.equal(normalizeChord(typed), canonical, typed);
  assert.deepEqual(parseChord('C/E'), { symbol: 'C/E', root: 0, root_name: 'C', quality: '', pitch_classes: [0, 4, 7],
    bass: 4, bass_name: 'E' });
  assert.deepEqual(parseChord('N.C.').pitch_classes, []);
  for (const junk of ['H7', 'C/H', 'Cmaj7#11', '', null, 'constructor', 'C__proto__']) {
    assert.throws(() => normalizeChord(junk), { code: 'invalid' }, String(junk));
  }
});
