// "+ Add track": pick an instrument by family and name (and hear it), name the track, set the range the
// AI keeps to, and add it as one op. The new track becomes the one you draw on.
import { newId, trackAdd } from "../core/ops.js";
import { DRUM_CHANNEL, instrumentGroups, instrumentName, usualRange } from "../shared/gm.js";
import { noteName } from "../roll/geometry.js";
import { escapeHtml } from "../shared/html.js";
import { say } from "./status.js";

const DRUMS = "drums";

/**
 * @param {{edit: Function, canEdit: Function, preview: (pitch: number, program: number, channel?: number) => void,
 *          tracks: object, onChange: Function}} studio
 */
export function setupTrackDialog(studio) {
  const dialog = document.getElementById("track-dialog");
  const form = document.getElementById("track-form");
  const status = document.getElementById("track-dialog-status");
  const instrument = form.elements.program;
  instrument.innerHTML = instrumentGroups().map((g) => `<optgroup label="${escapeHtml(g.family)}">${
    g.options.map((o) => `<option value="${o.value}">${escapeHtml(o.label)}</option>`).join("")}</optgroup>`).join("")
    + `<optgroup label="Drums"><option value="${DRUMS}">Drum kit (channel 10)</option></optgroup>`;
  let nameTyped = false;
  const rangeNames = () => {
    const [low, high] = [Number(form.elements.low.value), Number(form.elements.high.value)];
    document.getElementById("new-track-range-names").textContent = Number.isInteger(low) && Number.isInteger(high)
      && low >= 0 && high <= 127 ? `MIDI notes, here ${noteName(low)} to ${noteName(high)} (middle C is 60, C4)` : "";
  };
  form.elements.low.addEventListener("input", rangeNames);
  form.elements.high.addEventListener("input", rangeNames);

  const fill = () => {
    const drums = instrument.value === DRUMS;
    const program = drums ? 0 : Number(instrument.value);
    if (!nameTyped) form.elements.name.value = drums ? "Drums" : instrumentName(program);
    const [low, high] = drums ? [35, 81] : usualRange(program);
    form.elements.low.value = low;
    form.elements.high.value = high;
    rangeNames();
    studio.preview(drums ? 38 : Math.round((low + high) / 2), program, drums ? DRUM_CHANNEL : undefined);
  };
  instrument.addEventListener("change", fill);
  form.elements.name.addEventListener("input", () => { nameTyped = true; });

  document.getElementById("track-add").addEventListener("click", () => {
    if (!studio.canEdit()) return;
    nameTyped = false;
    say(status, "");
    instrument.value = "0";
    form.elements.name.value = instrumentName(0);
    [form.elements.low.value, form.elements.high.value] = usualRange(0);
    rangeNames();
    dialog.showModal();
    instrument.focus();
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = form.elements.name.value.trim();
    const [low, high] = [Number(form.elements.low.value), Number(form.elements.high.value)];
    if (!name) return say(status, "Give the track a name.", { error: true });
    if (!(Number.isInteger(low) && Number.isInteger(high) && low >= 0 && low <= high && high <= 127)) {
      return say(status, "The range is two MIDI notes from 0 to 127, lowest first.", { error: true });
    }
    const drums = instrument.value === DRUMS;
    const op = trackAdd({ id: newId("t"), name, program: drums ? 0 : Number(instrument.value), pitch_range: [low, high],
      ...(drums ? { channel: DRUM_CHANNEL } : {}) });
    if (studio.edit([op], { status: document.getElementById("tracks-status"), done: `Added ${name}.` })) {
      studio.tracks.active = op.id;
      dialog.close();
      studio.onChange();
    } else {
      say(status, "The track could not be added (see the message on the left).", { error: true });
    }
  });
}
