// The transport: a lookahead scheduler on the AudioContext clock ("a tale of two clocks"):
// every 25 ms, schedule the notes that start in the next 100 ms. Ticks at 480 per quarter; times follow
// the piece's tempo map through core/transport.js (a constant tempo when the source gives no map).
import { tempoMap } from "../core/tempo-map.js";
import { beatSecondsAt, durationSeconds, timeline } from "../core/transport.js";

const LOOKAHEAD_S = 0.1;
const INTERVAL_MS = 25;

export class Player {
  /**
   * @param {{context: AudioContext, synth: {play: Function, click: Function, stopAll: Function}}} parts
   * @param {() => {notes: object[], tempo: number, beatTicks: number, barTicks: number,
   *                 programOf: (track: string) => number, audible: (note: object) => boolean,
   *                 voiceOf?: (track: string) => {program: number, channel?: number, volume?: number, pan?: number},
   *                 tempoMap?: object, until?: number}} source
   *   voiceOf, when given, says how a track sounds: its program, MIDI channel, volume (CC7) and pan (CC10);
   *   tempoMap (core/tempo-map.js), when given, times everything (else `tempo` throughout); until (ticks),
   *   when given, plays on to there even after the last note (a piece scored to a video plays to its end).
   */
  constructor({ context, synth }, source) {
    this.context = context;
    this.synth = synth;
    this.source = source;
    this.timer = null;
    this.loop = null;         // [startTick, endTick] or null
    this.metronome = false;
    this.countIn = false;     // one bar of clicks before the music starts
    this.onTick = () => {};
    this.onState = () => {};  // called with true when playing starts, false when it stops
    this.onNote = () => {};   // called with (note, voice, when) for every note handed to the synth
  }

  get playing() { return this.timer !== null; }

  /** The clock of this run: the source's tempo map, from the start tick, around the loop. */
  clock(src = this.source()) {
    return timeline(src.tempoMap ?? tempoMap([4, 4], src.tempo), this.startTick, this.loop);
  }

  /** Current playhead in ticks (for drawing). */
  tickNow() {
    if (!this.playing) return this.startTick ?? 0;
    const clock = this.clock();
    return clock.pieceTick(clock.ticks(Math.max(0, this.context.currentTime - this.t0)));
  }

  play(fromTick = 0) {
    this.stop();
    this.startTick = this.loop ? this.loop[0] : fromTick;
    this.t0 = this.context.currentTime + 0.05;
    if (this.countIn) this.t0 += this.clickBar(this.t0);
    this.scheduledUntil = this.startTick;
    this.timer = setInterval(() => this.schedule(), INTERVAL_MS);
    this.schedule();
    this.onState(true);
  }

  /** The count-in: one bar of clicks from `when`; returns its length in seconds. */
  clickBar(when) {
    const src = this.source();
    const beatSeconds = beatSecondsAt(src.tempoMap ?? tempoMap([4, 4], src.tempo), this.startTick, src.beatTicks);
    const beats = Math.round(src.barTicks / src.beatTicks);
    for (let b = 0; b < beats; b++) this.synth.click(when + b * beatSeconds, b === 0);
    return beats * beatSeconds;
  }

  stop() {
    const was = this.playing;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.synth.stopAll();
    if (was) this.onState(false);
  }

  schedule() {
    const src = this.source();
    const map = src.tempoMap ?? tempoMap([4, 4], src.tempo);
    const clock = this.clock(src);
    const horizon = clock.ticks(this.context.currentTime + LOOKAHEAD_S - this.t0);
    const end = this.loop ? Infinity : Math.max(...src.notes.map((n) => n.start + n.duration), src.until ?? 0);
    if (!this.loop && this.scheduledUntil > end) { this.stop(); this.onTick(null); return; }
    const now = this.context.currentTime;
    for (let from = this.scheduledUntil; from < horizon;) {
      // Unroll loops into absolute ticks: `offset` maps piece ticks onto the running clock.
      const span = this.loop ? this.loop[1] - this.loop[0] : Infinity;
      const lap = this.loop ? Math.floor((from - this.loop[0]) / span) : 0;
      const offset = this.loop ? lap * span : 0;
      const windowEnd = Math.min(horizon, this.loop ? this.loop[0] + (lap + 1) * span : horizon);
      for (const note of src.notes) {
        const at = note.start + offset;
        if (at >= from && at < windowEnd && (!this.loop || (note.start >= this.loop[0] && note.start < this.loop[1]))
            && src.audible(note)) {
          const voice = src.voiceOf ? src.voiceOf(note.track) : { program: src.programOf(note.track) };
          const when = this.t0 + clock.seconds(at);
          this.synth.play({ pitch: note.pitch, velocity: note.velocity, ...voice, when,
            duration: durationSeconds(map, note.start, note.duration) });
          this.onNote(note, voice, when);
        }
      }
      if (this.metronome) {
        const first = Math.ceil(from / src.beatTicks) * src.beatTicks;
        for (let beat = first; beat < windowEnd; beat += src.beatTicks) {
          const pieceTick = beat - offset;
          this.synth.click(this.t0 + clock.seconds(beat), pieceTick % src.barTicks === 0);
        }
      }
      from = windowEnd;
      this.scheduledUntil = windowEnd;
    }
    if (now >= this.t0) this.onTick(this.tickNow()); // not during the count-in
  }
}
