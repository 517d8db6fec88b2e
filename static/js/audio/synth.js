// A small General-MIDI-ish synth on plain WebAudio: the fallback when no SoundFont is loaded,
// and the note preview. One voice = two detuned oscillators through an envelope.

const WAVES = ["triangle", "square", "sawtooth", "sine"];

/** Oscillator shape for a General MIDI program family (0-127). */
export function waveFor(program) {
  if (program < 8) return "triangle";                  // pianos
  if (program >= 32 && program < 40) return "sine";    // basses
  if (program >= 40 && program < 56) return "sawtooth"; // strings and ensembles
  if (program >= 56 && program < 80) return "square";  // brass, reeds, pipes
  return WAVES[program % WAVES.length];
}

export function midiToHz(pitch) {
  return 440 * 2 ** ((pitch - 69) / 12);
}

export class Synth {
  /** @param {AudioContext} context */
  constructor(context) {
    this.context = context;
    this.master = context.createGain();
    this.master.gain.value = 0.25;
    this.master.connect(context.destination);
    this.voices = new Set();
  }

  /**
   * Schedule one note: `when` and `duration` in seconds of the AudioContext clock; `volume` and `pan`
   * are the track's (MIDI 0-127, default 100 and 64 = centre).
   */
  play({ pitch, velocity = 96, program = 0, volume = 100, pan = 64, when, duration }) {
    const ctx = this.context;
    const start = Math.max(when, ctx.currentTime);
    const end = start + Math.max(duration, 0.05);
    const gain = ctx.createGain();
    const peak = (velocity / 127) * (volume / 127) * 0.75;
    gain.gain.setValueAtTime(0, start);
    gain.gain.linearRampToValueAtTime(peak, start + 0.01);
    gain.gain.setTargetAtTime(peak * 0.6, start + 0.05, 0.2);
    gain.gain.setTargetAtTime(0, end, 0.04);
    const panner = ctx.createStereoPanner();
    panner.pan.value = Math.max(-1, Math.min(1, (pan - 64) / 63));
    gain.connect(panner).connect(this.master);
    const oscillators = [-4, 4].map((cents) => {
      const osc = ctx.createOscillator();
      osc.type = waveFor(program);
      osc.frequency.value = midiToHz(pitch);
      osc.detune.value = cents;
      osc.connect(gain);
      osc.start(start);
      osc.stop(end + 0.3);
      return osc;
    });
    const voice = { oscillators, gain };
    this.voices.add(voice);
    oscillators[0].onended = () => { gain.disconnect(); panner.disconnect(); this.voices.delete(voice); };
  }

  /** A metronome click. */
  click(when, accent) {
    const ctx = this.context;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = accent ? 1760 : 1320;
    gain.gain.setValueAtTime(0.3, when);
    gain.gain.exponentialRampToValueAtTime(0.001, when + 0.05);
    osc.connect(gain).connect(this.master);
    osc.start(when);
    osc.stop(when + 0.06);
  }

  stopAll() {
    for (const { oscillators, gain } of this.voices) {
      gain.gain.cancelScheduledValues(this.context.currentTime);
      gain.gain.setValueAtTime(0, this.context.currentTime);
      oscillators.forEach((o) => { try { o.stop(); } catch { /* not started yet */ } });
    }
    this.voices.clear();
  }
}
