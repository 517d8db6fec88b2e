// Text people type for keys and chord symbols: one parser each, canonical text out. An exact port of
// composer_ui/symbols.py (tests/js/symbols.test.mjs checks it on fixtures the Python side writes):
// normalizeKey("b-flat major") === "Bb major", normalizeChord("CΔ7") === "Cmaj7".
//
// Case matters only where musicians make it matter: "m" is minor and "M" major; words ("maj", "Minor",
// "SUS", "flat") are read in any case. Whitespace anywhere in a chord symbol is ignored.
import { OpError } from './util.js';

export const MAX_LENGTH = 40;
// Spelled out (not \s) so that Python and JavaScript agree on every character.
const WHITESPACE = '[\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]';
const SPACES = new RegExp(`${WHITESPACE}+`, 'g');
const LETTER_PC = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };
const ALTER = { '': 0, '#': 1, b: -1 };
// Typographic characters -> the ASCII (or table) spelling they stand for.
const GLYPHS = [['♭', 'b'], ['♯', '#'], ['−', '-'], ['△', 'Δ'], ['∆', 'Δ'], ['Ø', 'ø'], ['º', '°'], ['˚', '°']];

const KEY_FORMS = "'G', 'e minor', 'Em', 'Bb', 'B♭ major', 'b-flat major', 'F# minor', 'f sharp minor', 'Cmaj'";
// No `u` flag: case-insensitive matching then stays ASCII-only, as Python's re.ASCII.
const KEY_ACCIDENTAL_WORD = /^[ -]?(flat|sharp)(?= |$)/i;
const MODES = new Map([['', 'major'], ['M', 'major'], ['m', 'minor']]);
const MODE_WORDS = new Map([['major', 'major'], ['maj', 'major'], ['minor', 'minor'], ['min', 'minor']]);

/** Canonical chord quality -> semitones above the root, root first (the order pitch_classes keeps). */
export const QUALITIES = Object.freeze({
  '': [0, 4, 7], m: [0, 3, 7], 7: [0, 4, 7, 10], maj7: [0, 4, 7, 11], m7: [0, 3, 7, 10],
  m7b5: [0, 3, 6, 10], dim: [0, 3, 6], dim7: [0, 3, 6, 9], aug: [0, 4, 8], sus2: [0, 2, 7],
  sus4: [0, 5, 7], 6: [0, 4, 7, 9], m6: [0, 3, 7, 9], 9: [0, 4, 7, 10, 2], maj9: [0, 4, 7, 11, 2],
  m9: [0, 3, 7, 10, 2], add9: [0, 4, 7, 2],
  11: [0, 7, 10, 2, 5], // the third is left out: it clashes with the eleventh
  m11: [0, 3, 7, 10, 2, 5], 13: [0, 4, 7, 10, 2, 9], '7b9': [0, 4, 7, 10, 1], '7#9': [0, 4, 7, 10, 3],
  '6/9': [0, 4, 7, 9, 2], '7sus4': [0, 5, 7, 10], 'm(maj7)': [0, 3, 7, 11], '7#5': [0, 4, 8, 10],
  '7b5': [0, 4, 6, 10], 5: [0, 7], // a power chord: root and fifth
});
// Other spellings people write -> the canonical quality (a Map: "constructor" is not a quality).
const ALIASES = new Map([
  ...Object.keys(QUALITIES).map((q) => [q, q]),
  ...Object.entries({
    M: '', maj: '', major: '', min: 'm', minor: 'm', mi: 'm', '-': 'm',
    dom7: '7', M7: 'maj7', 'Δ': 'maj7', 'Δ7': 'maj7', ma7: 'maj7', major7: 'maj7',
    min7: 'm7', mi7: 'm7', '-7': 'm7', minor7: 'm7',
    'ø': 'm7b5', 'ø7': 'm7b5', min7b5: 'm7b5', mi7b5: 'm7b5', '-7b5': 'm7b5',
    '°': 'dim', o: 'dim', '°7': 'dim7', o7: 'dim7', '+': 'aug', '+5': 'aug', '#5': 'aug',
    sus: 'sus4', min6: 'm6', '-6': 'm6', M9: 'maj9', 'Δ9': 'maj9', min9: 'm9', '-9': 'm9',
    add2: 'add9', min11: 'm11', '-11': 'm11', 69: '6/9', '6add9': '6/9', '7sus': '7sus4',
    mmaj7: 'm(maj7)', mM7: 'm(maj7)', minmaj7: 'm(maj7)', '-maj7': 'm(maj7)', 'mΔ7': 'm(maj7)',
    '-Δ7': 'm(maj7)',
    aug7: '7#5', '+7': '7#5', '7+': '7#5', '7+5': '7#5', '7-5': '7b5', 'm7-5': 'm7b5',
  }),
]);
export const NO_CHORD = 'N.C.';
const NO_CHORD_PATTERN = /^[Nn]\.?[Cc]\.?$/;
const ROOT = /^([A-Ga-g])([#b]?)/;
const BASS = /\/([A-Ga-g])([#b]?)$/;
const WORDS = /major|minor|maj|min|dim|aug|sus|add/gi;
const CHORD_FORMS = "'C', 'Cm', 'C7', 'Cmaj7', 'Cm7b5', 'Cdim7', 'Csus4', 'C6', 'C9', 'C/E', 'F#m', 'Bb7' or 'N.C.'";

const invalid = (message) => { throw new OpError('invalid', message); };
const isAscii = (text) => /^[\x00-\x7f]*$/.test(text);
const shown = (text) => JSON.stringify([...text].slice(0, MAX_LENGTH).join(''));

function glyphs(text) {
  let out = text;
  for (const [glyph, ascii] of GLYPHS) out = out.replaceAll(glyph, ascii);
  return out;
}

function checked(text, what) {
  if (typeof text !== 'string') invalid(`${what} must be text`);
  // Python's len() counts code points, as [...text] does.
  if ([...text].length > MAX_LENGTH) invalid(`${what} must be at most ${MAX_LENGTH} characters`);
  return text;
}

/**
 * "b-flat major" -> "Bb major"; throws OpError("invalid") naming the accepted forms.
 * @param {*} text
 * @returns {string} matching ^[A-G](#|b)? (major|minor)$
 */
export function normalizeKey(text) {
  const clean = glyphs(checked(text, 'key').replace(SPACES, ' ').replace(/^ +| +$/g, ''));
  const refused = `key ${shown(clean)} is not a key I can read; write e.g. ${KEY_FORMS}`;
  const root = ROOT.exec(clean);
  if (!root) invalid(refused);
  let rest = clean.slice(root[0].length);
  let accidental = root[2];
  if (!accidental) {
    const word = KEY_ACCIDENTAL_WORD.exec(rest);
    if (word) {
      accidental = word[1].toLowerCase() === 'flat' ? 'b' : '#';
      rest = rest.slice(word[0].length);
    }
  }
  const modeText = rest.replace(/^ +| +$/g, '');
  const mode = MODES.get(modeText) || (isAscii(modeText) ? MODE_WORDS.get(modeText.toLowerCase()) : undefined);
  if (!mode) invalid(refused);
  return `${root[1].toUpperCase()}${accidental} ${mode}`;
}

const pc = (letter, accidental) => (LETTER_PC[letter.toUpperCase()] + ALTER[accidental] + 12) % 12;

function quality(text) {
  let q = text.replace(WORDS, (word) => word.toLowerCase());
  // "C7(b9)", "Cm(maj7)", "C(add9)": one pair of brackets around the alterations is decoration.
  const count = (c) => q.split(c).length - 1;
  if (count('(') === 1 && count(')') === 1 && q.indexOf('(') < q.indexOf(')')) q = q.replace('(', '').replace(')', '');
  return ALIASES.get(q);
}

/**
 * A parsed chord symbol: {symbol, root, root_name, quality, pitch_classes, bass, bass_name} (as Python's
 * Chord). No-chord ("N.C.") has root null, quality "N.C." and no pitch classes; `bass` is the pitch class
 * of the lowest note (the slash bass, else the root). Throws OpError("invalid") naming the accepted forms.
 * @param {*} text
 */
export function parseChord(text) {
  const compact = glyphs(checked(text, 'chord symbol').replace(SPACES, ''));
  const refused = `chord symbol ${shown(compact)} is not one I can read; write e.g. ${CHORD_FORMS}`;
  if (NO_CHORD_PATTERN.test(compact)) {
    return { symbol: NO_CHORD, root: null, root_name: null, quality: NO_CHORD, pitch_classes: [], bass: null,
      bass_name: null };
  }
  const root = ROOT.exec(compact);
  if (!root) invalid(refused);
  let rest = compact.slice(root[0].length);
  let bassName = null;
  let bass = null;
  const slash = BASS.exec(rest);
  if (slash) {
    rest = rest.slice(0, slash.index);
    bassName = slash[1].toUpperCase() + slash[2];
    bass = pc(slash[1], slash[2]);
  }
  const q = quality(rest);
  if (q === undefined) invalid(refused);
  const rootName = root[1].toUpperCase() + root[2];
  const rootPc = pc(root[1], root[2]);
  if (bass === rootPc) bassName = null; // "C/C" is just C
  return {
    symbol: rootName + q + (bassName ? `/${bassName}` : ''),
    root: rootPc, root_name: rootName, quality: q,
    pitch_classes: QUALITIES[q].map((step) => (rootPc + step) % 12),
    bass: bass === null ? rootPc : bass, bass_name: bassName,
  };
}

/** "CΔ7" -> "Cmaj7", "nc" -> "N.C."; throws OpError("invalid"). @param {*} text */
export function normalizeChord(text) {
  return parseChord(text).symbol;
}

/** True when `value` is a chord symbol in its canonical spelling. */
export function isCanonicalChord(value) {
  try {
    return normalizeChord(value) === value;
  } catch (error) {
    if (error instanceof OpError) return false;
    throw error;
  }
}
