// The pitches of a piece's key, for shading the roll's rows and snapping notes to the key. Pure.
// Keys arrive in the studio's canonical spelling ("Bb major", "F# minor"; the server normalises what
// people type). Minor counts the natural minor plus the raised seventh (the leading tone), since
// harmonic-minor cadences use it all the time.

const LETTERS = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };
const MAJOR = [0, 2, 4, 5, 7, 9, 11];
const MINOR = [0, 2, 3, 5, 7, 8, 10, 11];

/**
 * The key's tonic pitch class and mode, or null for text that is not a canonical key.
 * @param {string} key
 * @returns {{tonic: number, mode: "major"|"minor"}|null}
 */
export function parseCanonicalKey(key) {
  const match = /^([A-G])(#|b)? (major|minor)$/.exec(key ?? "");
  if (!match) return null;
  const tonic = (LETTERS[match[1]] + (match[2] === "#" ? 1 : match[2] === "b" ? -1 : 0) + 12) % 12;
  return { tonic, mode: match[3] };
}

/** The set of pitch classes (0-11) in the key; every pitch class for an unreadable key. */
export function scalePitchClasses(key) {
  const parsed = parseCanonicalKey(key);
  if (!parsed) return new Set([...Array(12).keys()]);
  return new Set((parsed.mode === "major" ? MAJOR : MINOR).map((s) => (parsed.tonic + s) % 12));
}

/** The nearest pitch in the scale (ties go up), kept within MIDI 0-127. */
export function snapToScale(pitch, scale) {
  for (let d = 0; d < 12; d += 1) {
    for (const p of [pitch + d, pitch - d]) {
      if (p >= 0 && p <= 127 && scale.has(((p % 12) + 12) % 12)) return p;
    }
  }
  return pitch;
}

/** The tonic's pitch class of a key, or null. */
export const tonicOf = (key) => parseCanonicalKey(key)?.tonic ?? null;
