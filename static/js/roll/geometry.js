// Where things are on the roll's canvas: the core's tick/pitch <-> pixel mapping (core/ticks.js),
// offset by the keyboard on the left and the ruler on top. Ticks at 480 per quarter.
import { pitchToY, tickToX, xToTick, yToPitch, zoomAt } from "../core/ticks.js";

export const KEYS_WIDTH = 56;     // the piano keyboard on the left
export const RULER_HEIGHT = 26;   // bar/beat ruler on top
export const VELOCITY_HEIGHT = 64; // velocity lane at the bottom
export const EDGE_PX = 6;         // how near a note's end counts as grabbing it to resize

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
    const clamped = Math.min(1, Math.max(0.01, this.pixelsPerTick * factor)) / this.pixelsPerTick;
    const { pixelsPerTick, scrollTick } = zoomAt(this, clamped, x - KEYS_WIDTH);
    Object.assign(this, { pixelsPerTick, scrollTick: Math.max(0, scrollTick) });
  }
}

const BLACK = new Set([1, 3, 6, 8, 10]);
export const isBlackKey = (pitch) => BLACK.has(((pitch % 12) + 12) % 12);
export const noteName = (pitch) =>
  ["C", "C♯", "D", "D♯", "E", "F", "F♯", "G", "G♯", "A", "A♯", "B"][pitch % 12] + (Math.floor(pitch / 12) - 1);
