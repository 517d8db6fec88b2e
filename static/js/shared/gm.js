// The 128 General MIDI instruments (program numbers 0-127), in their 16 families of eight: what the
// instrument picker lists by name, and what the studio's SoundFont (TimGM6mb) plays.

export const GM_FAMILIES = [
  ["Piano", ["Acoustic Grand Piano", "Bright Acoustic Piano", "Electric Grand Piano", "Honky-tonk Piano",
    "Electric Piano 1", "Electric Piano 2", "Harpsichord", "Clavinet"]],
  ["Chromatic percussion", ["Celesta", "Glockenspiel", "Music Box", "Vibraphone", "Marimba", "Xylophone",
    "Tubular Bells", "Dulcimer"]],
  ["Organ", ["Drawbar Organ", "Percussive Organ", "Rock Organ", "Church Organ", "Reed Organ", "Accordion",
    "Harmonica", "Tango Accordion"]],
  ["Guitar", ["Acoustic Guitar (nylon)", "Acoustic Guitar (steel)", "Electric Guitar (jazz)",
    "Electric Guitar (clean)", "Electric Guitar (muted)", "Overdriven Guitar", "Distortion Guitar",
    "Guitar Harmonics"]],
  ["Bass", ["Acoustic Bass", "Electric Bass (finger)", "Electric Bass (pick)", "Fretless Bass", "Slap Bass 1",
    "Slap Bass 2", "Synth Bass 1", "Synth Bass 2"]],
  ["Strings", ["Violin", "Viola", "Cello", "Contrabass", "Tremolo Strings", "Pizzicato Strings",
    "Orchestral Harp", "Timpani"]],
  ["Ensemble", ["String Ensemble 1", "String Ensemble 2", "Synth Strings 1", "Synth Strings 2", "Choir Aahs",
    "Voice Oohs", "Synth Voice", "Orchestra Hit"]],
  ["Brass", ["Trumpet", "Trombone", "Tuba", "Muted Trumpet", "French Horn", "Brass Section", "Synth Brass 1",
    "Synth Brass 2"]],
  ["Reed", ["Soprano Sax", "Alto Sax", "Tenor Sax", "Baritone Sax", "Oboe", "English Horn", "Bassoon",
    "Clarinet"]],
  ["Pipe", ["Piccolo", "Flute", "Recorder", "Pan Flute", "Blown Bottle", "Shakuhachi", "Whistle", "Ocarina"]],
  ["Synth lead", ["Lead 1 (square)", "Lead 2 (sawtooth)", "Lead 3 (calliope)", "Lead 4 (chiff)",
    "Lead 5 (charang)", "Lead 6 (voice)", "Lead 7 (fifths)", "Lead 8 (bass + lead)"]],
  ["Synth pad", ["Pad 1 (new age)", "Pad 2 (warm)", "Pad 3 (polysynth)", "Pad 4 (choir)", "Pad 5 (bowed)",
    "Pad 6 (metallic)", "Pad 7 (halo)", "Pad 8 (sweep)"]],
  ["Synth effects", ["FX 1 (rain)", "FX 2 (soundtrack)", "FX 3 (crystal)", "FX 4 (atmosphere)",
    "FX 5 (brightness)", "FX 6 (goblins)", "FX 7 (echoes)", "FX 8 (sci-fi)"]],
  ["Ethnic", ["Sitar", "Banjo", "Shamisen", "Koto", "Kalimba", "Bagpipe", "Fiddle", "Shanai"]],
  ["Percussive", ["Tinkle Bell", "Agogo", "Steel Drums", "Woodblock", "Taiko Drum", "Melodic Tom",
    "Synth Drum", "Reverse Cymbal"]],
  ["Sound effects", ["Guitar Fret Noise", "Breath Noise", "Seashore", "Bird Tweet", "Telephone Ring",
    "Helicopter", "Applause", "Gunshot"]],
];

/** The drum channel (0-based 9, "channel 10"): its notes are drum sounds, not pitches. */
export const DRUM_CHANNEL = 9;

/** The instrument's name for a program number, e.g. 52 -> "Choir Aahs". */
export function instrumentName(program) {
  const family = GM_FAMILIES[Math.floor(program / 8)];
  return family ? family[1][program % 8] : `Program ${program}`;
}

/** The name people see for a track's sound: its instrument, or "Drum kit" on the drum channel. */
export function trackSound(track) {
  return track.channel === DRUM_CHANNEL ? "Drum kit (channel 10)" : instrumentName(track.program);
}

/** A usual range for a new track of this program: [lowest, highest] MIDI pitch. */
export function usualRange(program) {
  const family = Math.floor(program / 8);
  if (family === 4) return [28, 60];           // basses
  if (program === 42 || program === 43) return [28, 76]; // cello, contrabass
  if (program === 41) return [48, 84];         // viola
  if (family === 0 || family === 1 || family === 2) return [21, 108]; // keyboards and mallets
  if (program === 70 || program === 58 || program === 67) return [34, 72]; // bassoon, tuba, baritone sax
  if (program === 57) return [40, 77];          // trombone
  return [55, 88];
}

/** `<option>`s grouped by family, for a `<select>`: [{family, options: [{value, label}]}]. */
export function instrumentGroups() {
  return GM_FAMILIES.map(([family, names], f) => ({
    family, options: names.map((name, i) => ({ value: f * 8 + i, label: name })),
  }));
}
