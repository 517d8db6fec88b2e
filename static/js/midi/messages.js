// Web MIDI messages and recording, as pure functions (tested under node).
import { snap } from "../core/ticks.js";

/**
 * A note event from a raw MIDI message, or null for anything else.
 * Note-on with velocity 0 is a note-off, as the MIDI spec says.
 * @param {Uint8Array|number[]} data
 * @returns {{type: "on"|"off", pitch: number, velocity: number, channel: number}|null}
 */
export function parseMidiMessage(data) {
  if (!data || data.length < 3) return null;
  const kind = data[0] & 0xf0;
  const channel = data[0] & 0x0f;
  if (kind === 0x90 && data[2] > 0) return { type: "on", pitch: data[1], velocity: data[2], channel };
  if (kind === 0x80 || kind === 0x90) return { type: "off", pitch: data[1], velocity: 0, channel };
  return null;
}

/**
 * Step input: each key pressed adds a note of one grid step at the cursor; the cursor moves on
 * once every key of a chord is released (so a chord lands on one step).
 */
export class StepRecorder {
  constructor({ grid, cursor = 0 }) {
    Object.assign(this, { grid, cursor, held: new Set() });
  }

  /** The note to add for a MIDI event on `track`, or null. */
  event(event, track) {
    if (event.type === "on") {
      this.held.add(event.pitch);
      return { track, start: this.cursor, duration: this.grid, pitch: event.pitch, velocity: event.velocity };
    }
    this.held.delete(event.pitch);
    if (this.held.size === 0) this.cursor += this.grid;
    return null;
  }
}

/**
 * Real-time recording while the transport runs: a note starts at its key-down tick and ends at its
 * key-up tick, both quantized to `grid` when asked (never shorter than one grid step then).
 */
export class LiveRecorder {
  constructor({ grid, quantize = true }) {
    Object.assign(this, { grid, quantize, open: new Map() });
  }

  /** Feed an event at playhead `tick`; returns the finished note at key-up, else null. */
  event(event, tick, track) {
    if (event.type === "on") {
      this.open.set(event.pitch, { tick, velocity: event.velocity });
      return null;
    }
    const down = this.open.get(event.pitch);
    if (!down) return null;
    this.open.delete(event.pitch);
    let start = Math.round(down.tick);
    let end = Math.round(tick);
    if (this.quantize) {
      start = snap(start, this.grid);
      end = Math.max(start + this.grid, snap(end, this.grid));
    }
    return { track, start: Math.max(0, start), duration: Math.max(1, end - start), pitch: event.pitch,
             velocity: down.velocity };
  }
}
