// Hearing the piece: one AudioContext (made on the first click or key, as browsers require),
// the WebAudio synth, and the lookahead player. A SoundFont synth can replace `Synth` behind
// the same play/click/stopAll interface.
import { Player } from "../audio/player.js";
import { createSoundFontSynth } from "../audio/soundfont.js";
import { Synth } from "../audio/synth.js";
import { COMPING_INSTRUMENTS, COMPING_TRACK, compingChannel, compingNotes } from "../core/comping.js";
import { barTicks, beatTicks } from "../core/ticks.js";
import { pieceTempoMap } from "../core/transport.js";

export class Audio {
  /** @param {() => {state: object, tracks: {audible: Function}}} source */
  constructor(source) {
    this.source = source;
    this.loopBars = null;
    this.metronome = false;
    this.countIn = false;
    this.onPlayhead = () => {};
    this.onPlaying = () => {}; // called with true / false as playback starts and stops
    this.onSounding = () => {}; // called with a track id when one of its notes starts sounding
    this.heard = new Map(); // track id -> how it last sounded {program, channel, volume, pan, notes}
    this.override = null; // {notes, bars, tracks} while auditioning a candidate
    this.comping = null; // a key of COMPING_INSTRUMENTS: the chord lane is heard on it
    this.playToEnd = false; // true while the piece has a video: play to the last bar, not the last note
  }

  ensure() {
    if (!this.context) {
      this.context = new AudioContext();
      this.synth = new Synth(this.context);
      this.player = new Player({ context: this.context, synth: this.synth }, () => this.material());
      this.player.onTick = (tick) => this.onPlayhead(tick);
      this.player.onState = (playing) => this.onPlaying(playing);
      this.player.onNote = (note, voice, when) => {
        this.heard.set(note.track, { ...voice, notes: (this.heard.get(note.track)?.notes ?? 0) + 1 });
        setTimeout(() => this.onSounding(note.track), Math.max(0, (when - this.context.currentTime) * 1000));
      };
      // The WebAudio synth plays at once; the General MIDI SoundFont takes over once it has loaded.
      createSoundFontSynth(this.context, { gain: 3 })
        .then((soundfont) => {
          this.synth.stopAll();
          this.synth = soundfont;
          this.player.synth = soundfont;
          this.instrument = "SoundFont (TimGM6mb)";
        })
        .catch((error) => { this.instrument = "built-in synth"; console.warn("SoundFont unavailable:", error); });
    }
    if (this.context.state === "suspended") this.context.resume();
  }

  get playing() { return !!this.player?.playing; }

  material() {
    const { state, tracks } = this.source();
    const piece = state.piece;
    let notes = Object.values(state.notes);
    if (this.override) { // the candidate replaces the region's notes on its tracks
      const bar = barTicks(piece.time_signature);
      const [from, to] = [this.override.bars[0] * bar, this.override.bars[1] * bar];
      notes = notes.filter((n) => !(this.override.tracks.includes(n.track) && n.start >= from && n.start < to))
        .concat(this.override.notes);
    }
    // Each track plays on its own MIDI channel with its program, volume and pan (as in the MIDI export).
    const voices = Object.fromEntries(state.tracks.map((t) => [t.id,
      { program: t.program, channel: t.channel, volume: t.volume ?? 100, pan: t.pan ?? 64 }]));
    const heardChords = this.override?.chords?.length ? this.override : null; // an AI candidate's chords
    const comping = this.comping || (heardChords ? "piano" : null);
    if (comping) { // the chords, on a channel of their own
      notes = notes.concat(heardChords ? this.candidateComping(state, comping) : this.compingFor(state));
      voices[COMPING_TRACK] = { program: COMPING_INSTRUMENTS[comping].program, channel: compingChannel(state.tracks),
        volume: 90, pan: 64 };
    }
    return { notes, tempo: piece.tempo, tempoMap: pieceTempoMap(piece, state.tempo_changes),
      until: this.playToEnd && !this.override ? piece.bars * barTicks(piece.time_signature) : 0,
      beatTicks: beatTicks(piece.time_signature), barTicks: barTicks(piece.time_signature),
      programOf: (track) => voices[track]?.program ?? 0, voiceOf: (track) => voices[track] ?? { program: 0 },
      audible: (note) => note.track === COMPING_TRACK || tracks.audible(note.track) };
  }

  /** The comping notes of a state (states never change, so one computation serves every scheduler pass). */
  compingFor(state) {
    const key = [state.chords, state.piece.time_signature, this.comping];
    if (!this.compingCache || key.some((part, i) => part !== this.compingCache.key[i])) {
      this.compingCache = { key, notes: compingNotes(state, this.comping) };
    }
    return this.compingCache.notes;
  }

  play(fromTick = 0) {
    this.ensure();
    this.player.metronome = this.metronome;
    this.player.countIn = this.countIn;
    this.player.loop = this.loopTicks();
    this.player.play(fromTick);
  }

  stop() {
    this.override = null;
    this.player?.stop();
  }

  toggleLoop(bars) {
    this.loopBars = this.loopBars ? null : bars;
    if (this.player) this.player.loop = this.loopTicks();
  }

  loopTicks() {
    if (!this.loopBars) return null;
    const bar = barTicks(this.source().state.piece.time_signature);
    return [this.loopBars[0] * bar, this.loopBars[1] * bar];
  }

  /** The comping of a chord candidate: its chords replace those starting in its bars (worked out once). */
  candidateComping(state, comping) {
    if (!this.override.compingNotes) {
      const bar = barTicks(state.piece.time_signature);
      const [from, to] = [this.override.bars[0] * bar, this.override.bars[1] * bar];
      const kept = Object.values(state.chords ?? {}).filter((c) => c.start < from || c.start >= to);
      const chords = Object.fromEntries([...kept, ...this.override.chords.map((c, i) => ({ ...c, id: `candidate${i}` }))]
        .map((c) => [c.id, c]));
      this.override.compingNotes = compingNotes({ piece: state.piece, chords }, comping);
    }
    return this.override.compingNotes;
  }

  /** Play a candidate in context: from one bar before its region to its end (chords: on the comping). */
  hearCandidate(notes, bars, tracks, chords = []) {
    this.ensure();
    this.override = { notes, bars, tracks, chords };
    const bar = barTicks(this.source().state.piece.time_signature);
    this.player.loop = null;
    this.player.metronome = false;
    this.player.countIn = false;
    this.player.play(Math.max(0, bars[0] - 1) * bar);
  }

  /** Sound one note of a track as it plays back (its instrument, channel, volume and pan). */
  preview(pitch, trackId) {
    const track = this.source().state.tracks.find((t) => t.id === trackId);
    this.sound(pitch, { program: track?.program ?? 0, channel: track?.channel, volume: track?.volume, pan: track?.pan });
  }

  /** Sound one note of an instrument now (the instrument picker's preview). */
  sound(pitch, voice) {
    this.ensure();
    const defined = Object.fromEntries(Object.entries(voice).filter(([, v]) => v !== undefined));
    this.synth.play({ pitch, velocity: 90, ...defined, when: this.context.currentTime, duration: 0.45 });
  }
}
