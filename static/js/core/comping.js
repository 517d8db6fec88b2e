// Comping: the chord lane played on an instrument of its own, pure (tests/js/comping.test.mjs). Each chord
// is voiced from the parser's pitch classes: the bass (the slash bass, else the root) in the instrument's
// bass register, the chord tones in close position above it (at most four, the fifth left out first), and
// struck again at every bar line so a decaying piano or guitar keeps sounding. N.C. is silence.
import { parseChord } from './symbols.js';
import { barTicks } from './ticks.js';

export const COMPING_TRACK = '__comping';

/** General MIDI instruments to comp on: program and where its voicings sit (lowest bass, lowest chord tone). */
export const COMPING_INSTRUMENTS = Object.freeze({
  piano: { label: 'Piano', program: 0, bass: 36, chord: 55 },
  epiano: { label: 'Electric piano', program: 4, bass: 36, chord: 55 },
  nylon: { label: 'Guitar (nylon)', program: 24, bass: 40, chord: 52 },
  steel: { label: 'Guitar (steel)', program: 25, bass: 40, chord: 52 },
  organ: { label: 'Organ', program: 16, bass: 36, chord: 55 },
  strings: { label: 'Strings', program: 48, bass: 36, chord: 55 },
});

/** The lowest pitch of pitch class `pc` at or above `floor`. */
const above = (pc, floor) => floor + ((pc - floor) % 12 + 12) % 12;

/**
 * The pitches of one chord: [bass, ...chord tones low to high]; [] for N.C.
 * @param {string} symbol a chord symbol (any spelling the parser reads)
 * @param {{bass: number, chord: number}} register
 */
export function voicing(symbol, { bass, chord }) {
  const parsed = parseChord(symbol);
  if (parsed.root === null) return [];
  let tones = [...parsed.pitch_classes];
  if (tones.length > 4) tones = tones.filter((pc) => pc !== (parsed.root + 7) % 12); // the fifth goes first
  tones = tones.slice(0, 4);
  const upper = tones.map((pc) => above(pc, chord)).sort((a, b) => a - b);
  return [above(parsed.bass, bass), ...upper];
}

/**
 * The comping part of a piece as notes of the pseudo-track COMPING_TRACK.
 * @param {{piece: object, chords: object}} state
 * @param {string} instrument a key of COMPING_INSTRUMENTS
 * @param {number} [velocity]
 */
export function compingNotes(state, instrument, velocity = 70) {
  const register = COMPING_INSTRUMENTS[instrument];
  if (!register) return [];
  const bar = barTicks(state.piece.time_signature);
  const notes = [];
  for (const chord of Object.values(state.chords ?? {})) {
    const pitches = voicing(chord.symbol, register);
    const end = chord.start + chord.duration;
    for (let at = chord.start; at < end; at = (Math.floor(at / bar) + 1) * bar) {
      const stop = Math.min(end, (Math.floor(at / bar) + 1) * bar);
      for (const pitch of pitches) {
        notes.push({ id: `${COMPING_TRACK}:${chord.id}:${at}:${pitch}`, track: COMPING_TRACK, start: at,
          duration: stop - at, pitch, velocity });
      }
    }
  }
  return notes.sort((a, b) => a.start - b.start || a.pitch - b.pitch);
}

/** A MIDI channel for comping: the highest one no track uses (never 10, the drums'); 15 if all are taken. */
export function compingChannel(tracks) {
  const used = new Set(tracks.map((t) => t.channel));
  for (let channel = 15; channel >= 0; channel--) if (channel !== 9 && !used.has(channel)) return channel;
  return 15;
}
