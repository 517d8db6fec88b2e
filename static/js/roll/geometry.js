// Where things are on the roll's canvas: the core's tick/pitch <-> pixel mapping (core/ticks.js),
// offset by the keyboard on the left and the ruler on top. Ticks at 480 per quarter.
import { pitchToY, tickToX, xToTick, yToPitch, zoomAt } from "../core/ticks.js";

export const KEYS_WIDTH = 56;     // the piano keyboard on the left
export const RULER_HEIGHT = 26;   // bar/beat ruler on top
export const VELOCITY_HEIGHT = 52; // velocity lane at the bottom
export const OVERVIEW_HEIGHT = 34; // the whole piece in miniature, under the velocity lane
export const EDGE_PX = 6;         // how near a note's end counts as grabbing it to resize
export const ROW_HEIGHTS = [5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 18, 21, 24, 28]; // vertical zoom steps
const PX_PER_TICK = [0.01, 1];    // horizontal zoom limits

export class Geometry {
  constructor({ pixelsPerTick = 0.1, rowHeight = 12, scrollTick = 0, topPitch = 84 } = {}) {
    Object.assign(this, { pixelsPerTick, rowHeight, scrollTick, topPitch });
  }

  x(tick) { return KEYS_WIDTH + tickToX(tick, this); }
  tick(x) { return xToTick(x - KEYS_WIDTH, this); }
  y(pitch) { return RULER_HEIGHT + pitchToY(pitch, this); }
  pitch(y) { return yToPitch(y - RULER_HEIGHT, this); }

  noteRect(note) {
    return { x: this.x(note.start), y: this.y(note.pitch), w: Math.max(2, note.duration * this.pixelsPerTick),
             h: this.rowHeight };
  }

  /** The note under (x, y), and whether the pointer is on its right edge; topmost wins. */
  hit(notes, x, y) {
    for (let i = notes.length - 1; i >= 0; i--) {
      const r = this.noteRect(notes[i]);
      if (x >= r.x && x <= r.x + r.w && y >= r.y && y < r.y + r.h) {
        return { note: notes[i], edge: x >= r.x + r.w - Math.min(EDGE_PX, r.w / 3) };
      }
    }
    return null;
  }

  zoomAt(x, factor) {
    const clamped = Math.min(PX_PER_TICK[1], Math.max(PX_PER_TICK[0], this.pixelsPerTick * factor)) / this.pixelsPerTick;
    const { pixelsPerTick, scrollTick } = zoomAt(this, clamped, x - KEYS_WIDTH);
    Object.assign(this, { pixelsPerTick, scrollTick: Math.max(0, scrollTick) });
  }

  /** How many pitch rows fit in `height` pixels of note area. */
  rows(height) { return Math.max(1, Math.floor(height / this.rowHeight)); }

  /** Keep the top row where it may be: the view never shows rows above 127 or below 0. */
  clampPitch(noteAreaHeight) {
    const rows = this.rows(noteAreaHeight);
    this.topPitch = Math.round(Math.min(127, Math.max(Math.min(127, rows - 1), this.topPitch)));
  }

  /** One step taller (+1) or shorter (-1) rows, keeping `pitch` (default: the middle row) in place. */
  zoomRows(step, noteAreaHeight, pitch) {
    const middle = pitch ?? this.topPitch - this.rows(noteAreaHeight) / 2;
    const offset = (this.topPitch - middle) * this.rowHeight;
    const index = ROW_HEIGHTS.findIndex((h) => h >= this.rowHeight);
    const next = ROW_HEIGHTS[Math.min(ROW_HEIGHTS.length - 1, Math.max(0, (index < 0 ? ROW_HEIGHTS.length - 1 : index) + step))];
    this.rowHeight = next;
    this.topPitch = middle + offset / next;
    this.clampPitch(noteAreaHeight);
  }

  /** Show ticks [from, to) across `width` pixels of note area and pitches [low, high] in its height. */
  fit({ from = 0, to, low, high }, width, noteAreaHeight) {
    this.pixelsPerTick = Math.min(PX_PER_TICK[1], Math.max(PX_PER_TICK[0], (width - 8) / Math.max(1, to - from)));
    this.scrollTick = from;
    this.fitRows(low, high, noteAreaHeight);
  }

  /** The tallest rows that show pitches [low, high] in `noteAreaHeight` pixels, centred. */
  fitRows(low, high, noteAreaHeight) {
    const wanted = noteAreaHeight / (high - low + 1);
    this.rowHeight = [...ROW_HEIGHTS].reverse().find((h) => h <= wanted) ?? ROW_HEIGHTS[0];
    const spare = this.rows(noteAreaHeight) - (high - low + 1);
    this.topPitch = high + Math.floor(Math.max(0, spare) / 2);
    this.clampPitch(noteAreaHeight);
  }
}

const BLACK = new Set([1, 3, 6, 8, 10]);
export const isBlackKey = (pitch) => BLACK.has(((pitch % 12) + 12) % 12);
export const noteName = (pitch) =>
  ["C", "C♯", "D", "D♯", "E", "F", "F♯", "G", "G♯", "A", "A♯", "B"][pitch % 12] + (Math.floor(pitch / 12) - 1);
