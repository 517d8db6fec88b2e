// A MusicXML score drawn by the vendored OpenSheetMusicDisplay (loaded on first use, through the import map),
// and the way back from what it drew to the studio's note ids: each drawn note is found by its part, its
// written start and its pitch (core/notation.js), a tied continuation by the note its tie starts from.
// Used by the studio's notation pane and by the print view.
import { noteKey } from "../core/notation.js";

export const AI_COLOUR = "#7A5AF8"; // as the export writes AI notes, and the roll paints them
export const SELECTED_COLOUR = "#d97706"; // the roll outlines a selection in amber
const INK = "#000000";
const PAINT = { applyToNoteheads: true, applyToStem: true, applyToFlag: true, applyToModifiers: true, applyToBeams: false,
  applyToLedgerLines: false, applyToTies: false, applyToSlurs: false, applyToLyrics: false };

let library = null;
const load = () => (library ??= import("opensheetmusicdisplay"));

/** The MIDI pitch of an OSMD note (its octaves are MusicXML's less 3). */
const midi = (pitch) => (pitch.Octave + 4) * 12 + pitch.FundamentalNote + pitch.AccidentalHalfTones;

export class Score {
  /**
   * @param {HTMLElement} container
   * @param {object} [options] zoom, topMargin (in OSMD units) and OpenSheetMusicDisplay options over the defaults
   */
  constructor(container, { zoom = 1, topMargin = null, ...options } = {}) {
    this.container = container;
    Object.assign(this, { zoom, topMargin });
    this.options = { autoResize: false, backend: "svg", drawTitle: false, drawSubtitle: false, drawComposer: false,
      drawLyricist: false, drawCredits: false, drawPartNames: true, drawMeasureNumbers: true, ...options };
    this.osmd = null;
    this.drawn = new Map(); // note id -> [GraphicalNote]
    this.byElement = new Map(); // SVG element -> [note id]
    this.colours = new Map(); // note id -> its colour when not selected
    this.selected = new Set();
  }

  /**
   * Draw `xml`; `keys` (noteKeys of the state it was exported from) names the notes, `isAi(id)` colours them.
   * `bars` [first, last] (1-based, inclusive) draws only those measures (null: all of them).
   * @returns {Promise<number>} how many drawn notes were matched to ids
   */
  async render(xml, keys, isAi, bars = null) {
    const { OpenSheetMusicDisplay } = await load();
    if (!this.osmd) {
      this.osmd = new OpenSheetMusicDisplay(this.container, this.options);
      this.osmd.zoom = this.zoom;
      if (this.topMargin !== null) this.osmd.EngravingRules.PageTopMargin = this.topMargin;
    }
    await this.osmd.load(xml);
    this.named = { keys, isAi };
    return this.redraw(bars);
  }

  /** Draw the loaded score again over other measures (no new MusicXML). */
  redraw(bars = null) {
    this.osmd.setOptions({ drawFromMeasureNumber: bars ? bars[0] : 1,
      drawUpToMeasureNumber: bars ? bars[1] : Number.MAX_SAFE_INTEGER });
    this.osmd.render();
    this.bars = bars;
    return this.index(this.named.keys, this.named.isAi);
  }

  index(keys, isAi) {
    this.drawn.clear();
    this.byElement.clear();
    this.colours.clear();
    this.selected = new Set();
    const instruments = this.osmd.Sheet.Instruments;
    let matched = 0;
    for (const measures of this.osmd.GraphicSheet.MeasureList) {
      for (const measure of measures ?? []) {
        for (const entry of measure?.staffEntries ?? []) {
          for (const voiceEntry of entry.graphicalVoiceEntries) {
            for (const drawn of voiceEntry.notes) {
              const ids = this.idsOf(drawn.sourceNote, keys, instruments);
              if (!ids.length) continue;
              matched += 1;
              for (const id of ids) {
                this.drawn.set(id, [...(this.drawn.get(id) ?? []), drawn]);
                this.colours.set(id, isAi(id) ? AI_COLOUR : INK);
              }
              for (const element of [...(drawn.getNoteheadSVGs?.() ?? []), drawn.getSVGGElement?.()]) {
                if (element) this.byElement.set(element, [...new Set([...(this.byElement.get(element) ?? []), ...ids])]);
              }
            }
          }
        }
      }
    }
    return matched;
  }

  idsOf(note, keys, instruments) {
    if (!note || note.isRest()) return [];
    const first = note.NoteTie?.StartNote ?? note;
    const part = instruments.indexOf(first.ParentStaffEntry.ParentStaff.ParentInstrument);
    const whole = first.SourceMeasure.AbsoluteTimestamp.RealValue + first.ParentStaffEntry.Timestamp.RealValue;
    return keys.get(noteKey(part, Math.round(whole * 1920), midi(first.Pitch))) ?? [];
  }

  /** Colour the notes of `ids` as selected (and the others back as they were), without drawing again. */
  select(ids) {
    const next = new Set([...ids].filter((id) => this.drawn.has(id)));
    for (const id of new Set([...this.selected, ...next])) {
      if (this.selected.has(id) === next.has(id)) continue;
      for (const drawn of this.drawn.get(id) ?? []) drawn.setColor(next.has(id) ? SELECTED_COLOUR : this.colours.get(id), PAINT);
    }
    this.selected = next;
  }

  /** The note ids of a clicked SVG element (a notehead, else its whole chord), or []. */
  idsAt(target) {
    for (let element = target; element && element !== this.container; element = element.parentNode) {
      if (this.byElement.has(element)) return this.byElement.get(element);
    }
    return [];
  }

  /** Whether the id was drawn (for tests and the pane's status). */
  shows(id) { return this.drawn.has(id); }
}
