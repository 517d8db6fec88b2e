// The piece as a WAV file, rendered in the browser: an OfflineAudioContext runs the vendored spessasynth
// with the studio's SoundFont (TimGM6mb), fed every note through the tempo map at once (render-plan.js),
// and the result is written as 16-bit PCM (wav.js). Nothing is sent to the server. When the SoundFont
// cannot load, the built-in WebAudio synth renders instead, and the caller is told which one did.
import { Synth } from "./synth.js";
import { renderPlan } from "./render-plan.js";
import { encodeWav } from "./wav.js";

const VENDOR = new URL("../../vendor/spessasynth/", import.meta.url);
const SOUNDFONT = "/static/vendor/soundfonts/TimGM6mb.sf2";
const TAIL_S = 2; // room for the last notes' release
const RATE = 44100;

async function soundFontSynth(context, plan, gain) {
  const [{ WorkletSynthesizer }, bank] = await Promise.all([
    import("spessasynth_lib"),
    fetch(SOUNDFONT).then((r) => { if (!r.ok) throw new Error(`SoundFont: HTTP ${r.status}`); return r.arrayBuffer(); }),
    context.audioWorklet.addModule(new URL("spessasynth_processor.min.js", VENDOR).href),
  ]);
  const synth = new WorkletSynthesizer(context);
  const output = new GainNode(context, { gain });
  synth.connect(output).connect(context.destination);
  await synth.isReady;
  await synth.soundBankManager.addSoundBank(bank, "main");
  const setup = { time: 0 };
  for (const c of plan.channels) {
    if (c.channel !== 9) synth.programChange(c.channel, c.program, setup);
    synth.controllerChange(c.channel, 7, c.volume, setup);
    synth.controllerChange(c.channel, 10, c.pan, setup);
  }
  for (const e of plan.events) {
    if (e.type === "on") synth.noteOn(e.channel, e.pitch, e.velocity, { time: e.time });
    else synth.noteOff(e.channel, e.pitch, { time: e.time });
  }
  // An offline render runs faster than real time and does not wait for the worklet's message port: events
  // still in flight when it starts were lost (a silent file, now and then). The port is in order, so once
  // the processor answers a request sent after them, it holds every event.
  await synth.getSnapshot();
  return "SoundFont (TimGM6mb)";
}

function builtInSynth(context, plan) {
  const synth = new Synth(context);
  const onAt = new Map();
  for (const e of plan.events) {
    const key = `${e.channel}/${e.pitch}`;
    if (e.type === "on") onAt.set(key, e);
    else if (onAt.has(key)) {
      const on = onAt.get(key);
      const voice = plan.channels.find((c) => c.channel === e.channel);
      synth.play({ pitch: e.pitch, velocity: on.velocity, program: voice.program, channel: e.channel,
        volume: voice.volume, pan: voice.pan, when: on.time, duration: e.time - on.time });
      onAt.delete(key);
    }
  }
  return "built-in synth";
}

/**
 * Render what the player would play (Audio.material()) to a WAV file that starts at bar 1; `startUs`, the
 * picture time of bar 1, is stamped in it as a Broadcast WAV time reference.
 * @returns {Promise<{blob: Blob, seconds: number, instrument: string}>}
 */
export async function renderWav(material, { gain = 3, startUs = 0, description = "" } = {}) {
  const plan = renderPlan(material);
  if (!plan.events.length) throw new Error("the piece has no notes to render");
  const seconds = plan.seconds + TAIL_S;
  const context = new OfflineAudioContext({ numberOfChannels: 2, length: Math.ceil(seconds * RATE), sampleRate: RATE });
  let instrument;
  try {
    instrument = await soundFontSynth(context, plan, gain);
  } catch (error) {
    console.warn("SoundFont unavailable for the render:", error);
    instrument = builtInSynth(context, plan);
  }
  const buffer = await context.startRendering();
  const channels = Array.from({ length: buffer.numberOfChannels }, (_, c) => buffer.getChannelData(c));
  const wav = encodeWav(channels, RATE, { timeReference: (startUs / 1e6) * RATE, description });
  return { blob: new Blob([wav], { type: "audio/wav" }), seconds, instrument };
}
