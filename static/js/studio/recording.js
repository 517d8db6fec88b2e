// Playing and recording from a MIDI keyboard: every key sounds; with recording on, keys become notes
// on the active track, by step (at the cursor, one grid step each) or live (while playing, quantized).
import { noteAdd } from "../core/ops.js";
import { listenToMidi } from "../midi/input.js";
import { LiveRecorder, StepRecorder } from "../midi/messages.js";

/**
 * @param {{roll: HTMLElement, audio: object, tracks: object, edit: Function, flash: Function}} parts
 */
export function setupRecording({ roll, audio, tracks, edit, flash }) {
  const mode = document.getElementById("record");
  const quantize = document.getElementById("record-quantize");
  let recorder = null;

  const arm = () => {
    recorder = mode.value === "step" ? new StepRecorder({ grid: roll.grid, cursor: roll.playhead ?? 0 })
      : mode.value === "live" ? new LiveRecorder({ grid: roll.grid, quantize: quantize.checked }) : null;
    mode.classList.toggle("armed", !!recorder);
  };
  mode.addEventListener("change", arm);
  quantize.addEventListener("change", arm);

  const onEvent = (event) => {
    if (event.type === "on") audio.preview(event.pitch, tracks.active);
    if (!recorder || !tracks.active) return;
    const note = recorder instanceof StepRecorder ? recorder.event(event, tracks.active)
      : audio.playing ? recorder.event(event, audio.player.tickNow(), tracks.active) : null;
    if (note) edit([noteAdd(note)]);
    if (recorder instanceof StepRecorder) { roll.playhead = recorder.cursor; roll.render(); }
  };
  listenToMidi(onEvent).then((status) => { document.getElementById("midi-status").textContent = status; })
    .catch(() => flash("MIDI input failed to start"));

  return {
    /** R: step recording on or off. */
    toggleStep() {
      mode.value = mode.value === "step" ? "off" : "step";
      arm();
    },
  };
}
