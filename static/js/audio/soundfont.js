// General MIDI instruments from a SoundFont served from static/: the vendored spessasynth
// (an AudioWorklet) playing TimGM6mb.sf2, behind the same play/click/stopAll interface as the
// WebAudio `Synth`, which stays the fallback when anything here fails to load.

// The vendor files are found relative to this module, so they load from wherever static/ is served.
const VENDOR = new URL("../../vendor/spessasynth/", import.meta.url);
const DRUMS = 9;            // GM percussion channel (MIDI channel 10)
const OFF_AHEAD_S = 0.2;    // how far ahead note-offs are handed to the worklet (see `flush`)
const FLUSH_MS = 25;
const LAG_WINDOW_S = 1;     // how long a measurement of the worklet clock's lag counts
const ALL_SOUND_OFF = 120;  // MIDI CC: kill a channel's voices at once
const VOLUME = 7;           // MIDI CC: channel volume
const PAN = 10;             // MIDI CC: pan, 64 = centre
const clamp = (v) => Math.max(0, Math.min(127, Math.round(v))); // a MIDI data byte

/**
 * Load the SoundFont synth. Rejects when the library, the worklet or the SoundFont cannot be
 * loaded (or the SoundFont does not parse), so the caller can keep the WebAudio `Synth`.
 * @param {BaseAudioContext} audioContext
 * @param {{url?: string, timeoutMs?: number, gain?: number}} [options]
 * @returns {Promise<{play: Function, click: Function, stopAll: Function, output: GainNode,
 *   lag: number, close: Function}>} the `Synth` interface, plus its output node, the measured
 *   lag of the worklet's clock (seconds, already compensated) and close()
 */
export async function createSoundFontSynth(audioContext,
  { url = "/static/vendor/soundfonts/TimGM6mb.sf2", timeoutMs = 30000, gain = 1 } = {}) {
  const ctx = audioContext;
  // A dynamic import, so a missing vendor file rejects this promise instead of the page's modules.
  // (addModule again on the same context is fine: the worklet's module map loads a URL once.)
  const [{ WorkletSynthesizer }, bank] = await Promise.all([
    import("spessasynth_lib"), // resolved by the page's import map (templates/base.html)
    fetch(url).then((r) => {
      if (!r.ok) throw new Error(`SoundFont ${url}: HTTP ${r.status}`);
      return r.arrayBuffer();
    }),
    ctx.audioWorklet.addModule(new URL("spessasynth_processor.min.js", VENDOR).href),
  ]);

  const synth = new WorkletSynthesizer(ctx);
  // The processor keeps its own clock by counting the samples it renders, and in Chromium that
  // clock can fall behind the context's while loading (seen headless: 0-20 ms, some loads 250 ms),
  // which would make every timed event late. Each message it posts is stamped with its clock: the
  // smallest gap to the context's clock in the last second (delivery only adds) is its lag.
  let lag = 0;
  let gaps = []; // [context time, gap]
  synth.worklet.port.addEventListener("message", (e) => {
    const stamp = e.data?.currentTime;
    if (typeof stamp !== "number") return;
    const now = ctx.currentTime;
    gaps = gaps.filter(([t]) => t > now - LAG_WINDOW_S);
    gaps.push([now, Math.max(0, now - stamp)]);
    lag = Math.min(...gaps.map(([, g]) => g));
  });
  const output = new GainNode(ctx, { gain });
  synth.connect(output).connect(ctx.destination);
  let timeout;
  try {
    // The library never settles addSoundBank on a parse error; it fires `soundBankError` instead.
    await new Promise((resolve, reject) => {
      synth.eventHandler.addEvent("soundBankError", "soundfont.js",
        (e) => reject(new Error(`SoundFont ${url} did not load: ${e?.message ?? e}`)));
      timeout = setTimeout(() => reject(new Error(`SoundFont synth not ready after ${timeoutMs} ms`)), timeoutMs);
      synth.isReady.then(() => synth.soundBankManager.addSoundBank(bank, "main")).then(resolve, reject);
    });
  } catch (error) {
    synth.destroy();
    output.disconnect();
    throw error;
  } finally {
    clearTimeout(timeout);
  }
  // Stamps from loading arrive in a burst behind the SoundFont parse, too late to trust: measure
  // again with a few no-op messages (poly aftertouch 0) that the processor answers with an event.
  gaps = [];
  for (let i = 0; i < 4; i++) {
    synth.polyPressure(15, 0, 0);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }

  const program = new Array(16).fill(-1); // program set on each channel, -1 for none yet
  const mix = new Array(16).fill(""); // "volume/pan" last sent on each channel
  const busyUntil = new Array(16).fill(0); // when each channel's last scheduled note ends
  const sentUntil = new Array(16).fill(0); // latest event time already queued in the worklet
  const quarantine = new Array(16).fill(0); // after stopAll: stale queued events end by then
  let pendingOns = []; // {channel, time} note-ons queued in the worklet for a future time
  let offs = []; // {channel, pitch, time} note-offs not yet handed to the worklet
  let timer = null;
  const at = (time) => ({ time: time - lag }); // event options: a context time on the worklet's clock

  const sent = (channel, time) => { sentUntil[channel] = Math.max(sentUntil[channel], time); };
  // Remember note-ons the worklet holds for later: only those can still start after stopAll.
  function queued(channel, time, now, options) {
    sent(channel, time);
    pendingOns = pendingOns.filter((p) => p.time > now);
    if (time > now) pendingOns.push({ channel, time, options });
  }

  // Note-offs wait here until they are near, so stopAll can drop them: the worklet's queue
  // cannot be cleared, and a stale note-off would cut a later note on the same key.
  function flush() {
    const horizon = ctx.currentTime + OFF_AHEAD_S;
    const due = offs.filter((o) => o.time <= horizon);
    offs = offs.filter((o) => o.time > horizon);
    for (const o of due) { synth.noteOff(o.channel, o.pitch, at(o.time)); sent(o.channel, o.time); }
    if (offs.length && timer === null) timer = setInterval(flush, FLUSH_MS);
    if (!offs.length && timer !== null) { clearInterval(timer); timer = null; }
  }

  // A channel has one program at a time: keep one channel per program, reuse the channel idle
  // longest (never 9, the drums), and skip channels whose stale events stopAll has not yet drained.
  function channelFor(prog, now) {
    const usable = (c) => c !== DRUMS && quarantine[c] <= now;
    const same = program.findIndex((p, c) => p === prog && usable(c));
    if (same >= 0) return same;
    let pool = [...program.keys()].filter(usable);
    if (!pool.length) pool = [...program.keys()].filter((c) => c !== DRUMS);
    const channel = pool.reduce((a, b) => (busyUntil[b] < busyUntil[a] ? b : a));
    setProgram(channel, prog);
    return channel;
  }

  // A track's volume and pan live on its channel (the studio plays each track on its own channel).
  function setMix(channel, volume, pan) {
    if (mix[channel] === `${volume}/${pan}`) return;
    synth.controllerChange(channel, VOLUME, volume);
    synth.controllerChange(channel, PAN, pan);
    mix[channel] = `${volume}/${pan}`;
  }

  // Immediate, not timed: notes for this program may be scheduled out of time order.
  function setProgram(channel, prog) {
    if (program[channel] === prog) return;
    synth.programChange(channel, prog);
    program[channel] = prog;
  }

  return {
    output,
    /** Seconds the worklet's clock runs behind the AudioContext's (compensated; for diagnostics). */
    get lag() { return lag; },
    /**
     * Schedule one note, like `Synth.play`: `when` and `duration` in seconds of the AudioContext
     * clock, `program` a GM program 0-127. `channel` (0-15) skips the per-program allocation and
     * carries the track's `volume` and `pan` (MIDI controllers 7 and 10).
     * @param {{pitch: number, velocity?: number, program?: number, channel?: number, volume?: number,
     *   pan?: number, when: number, duration: number}} note
     */
    play({ pitch, velocity = 96, program: prog = 0, channel, volume = 100, pan = 64, when, duration }) {
      const now = ctx.currentTime;
      const start = Math.max(when ?? now, now);
      const end = start + Math.max(duration ?? 0, 0.05);
      // The track's own channel, unless stale events from before a stop still wait on it (then any free one).
      const own = channel !== undefined && (channel === DRUMS || quarantine[channel] <= now);
      const ch = own ? channel : channelFor(clamp(prog), now);
      if (own && channel !== DRUMS) setProgram(ch, clamp(prog));
      if (own) setMix(ch, clamp(volume), clamp(pan));
      const options = at(start);
      synth.noteOn(ch, clamp(pitch), clamp(velocity), options);
      queued(ch, start, now, options);
      busyUntil[ch] = Math.max(busyUntil[ch], end);
      offs.push({ channel: ch, pitch: clamp(pitch), time: end });
      flush();
    },
    /** A metronome click: GM woodblocks on the drum channel (drums ignore note-offs). */
    click(when, accent) {
      const start = Math.max(when, ctx.currentTime);
      const options = at(start);
      synth.noteOn(DRUMS, accent ? 76 : 77, accent ? 120 : 90, options);
      queued(DRUMS, start, ctx.currentTime, options);
    },
    /** Silence everything now, including notes already queued for the next few milliseconds. */
    stopAll() {
      const now = ctx.currentTime;
      offs = [];
      flush();
      synth.stopAll(true);
      // Notes queued for later still start; an all-sound-off queued at the same time kills each
      // before it renders (the queue is sorted stably, so it runs after the note-on).
      for (const { channel, time, options } of pendingOns) {
        if (time > now) synth.controllerChange(channel, ALL_SOUND_OFF, 0, options);
      }
      pendingOns = [];
      // New notes go elsewhere until the stale events on these channels have run out.
      sentUntil.forEach((t, c) => { if (t > now) quarantine[c] = t; });
      busyUntil.fill(0);
    },
    /** Release the worklet and disconnect (the AudioContext stays open). */
    close() {
      this.stopAll();
      synth.destroy();
      output.disconnect();
    },
  };
}
