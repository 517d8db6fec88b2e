// "Harmonize this melody": a piece with one melody and nothing to write into cannot be harmonized, so
// the AI panel offers to add the voices it needs (Alto, Tenor, Bass; or fewer) as one undoable event,
// then asks the AI to harmonize the melody's bars into them.
import { newId, trackAdd } from "../core/ops.js";
import { barTicks } from "../core/ticks.js";
import { say } from "./status.js";

// Usual ranges of the voices (the AI keeps to a track's range).
const VOICE_RANGES = { Alto: [53, 74], Tenor: [48, 69], Bass: [40, 64] };

/** The one melodic track to harmonize, when the piece has exactly one and it has notes; else null. */
export function loneMelody(state) {
  const melodic = state.tracks.filter((t) => t.channel !== 9);
  if (melodic.length !== 1) return null;
  const notes = Object.values(state.notes).filter((n) => n.track === melodic[0].id);
  return notes.length ? { track: melodic[0], notes } : null;
}

/** The bars [first, after last] that hold the notes, at most `most` of them. */
export function barsOf(notes, piece, most = 32) {
  const bar = barTicks(piece.time_signature);
  const first = Math.floor(Math.min(...notes.map((n) => n.start)) / bar);
  const last = Math.ceil(Math.max(...notes.map((n) => n.start + n.duration)) / bar);
  return [first, Math.min(last, first + most, piece.bars)];
}

/**
 * @param {{view: () => object, canEdit: Function, edit: Function, ask: (operation: string, tracks: string[],
 *   bars: number[]) => void, selectedBars: () => number[]|null, maxBars: () => number}} studio
 */
export function setupHarmonizeOffer(studio) {
  const offer = document.getElementById("ai-offer");
  const dialog = document.getElementById("harmonize-dialog");
  const form = document.getElementById("harmonize-form");
  const status = document.getElementById("harmonize-status");
  let bars = null;

  document.getElementById("ai-harmonize-melody").addEventListener("click", () => {
    const state = studio.view();
    const melody = loneMelody(state);
    if (!melody) return;
    bars = studio.selectedBars() ?? barsOf(melody.notes, state.piece, studio.maxBars());
    document.getElementById("harmonize-bars").textContent =
      `The AI harmonizes ${melody.track.name} in bars ${bars[0] + 1}–${bars[1]}.`;
    say(status, "");
    dialog.showModal();
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const melody = loneMelody(studio.view());
    if (!melody) return dialog.close();
    const names = form.elements.voices.value.split(",");
    const ops = names.map((name) => trackAdd({ id: newId("t"), name, program: melody.track.program,
      pitch_range: VOICE_RANGES[name] }));
    const where = document.getElementById("ai-status");
    if (!studio.edit(ops, { status: where, done: `Added ${names.join(", ")}.` })) {
      return say(status, "The voices could not be added: see the AI panel.", { error: true });
    }
    dialog.close();
    // The room handles one message at a time, so the tracks exist by the time the request is read.
    studio.ask("harmonize", ops.map((op) => op.id), bars);
    return undefined;
  });

  return {
    /** Show the offer while the piece has a lone melody and the person may act on it. */
    render(state) { offer.hidden = !(studio.canEdit() && state.piece.ai_enabled && loneMelody(state)); },
  };
}
