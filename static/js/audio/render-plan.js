// What an offline render plays, pure (no WebAudio): every audible note of the piece as timed MIDI events
// through the tempo map, each track on its own channel with its program, volume and pan (as playback and
// the MIDI export do). Events are in time order, note-offs before note-ons at the same time, so a note
// that ends where the next one on its key starts never cuts it short.
import { durationSeconds } from "../core/transport.js";
import { ticksToSeconds } from "../core/tempo-map.js";

/**
 * @param {{notes: object[], tempoMap: object, voiceOf: (track: string) => {program: number, channel?: number,
 *   volume?: number, pan?: number}, audible: (note: object) => boolean}} material what the player plays
 * @returns {{channels: {channel: number, program: number, volume: number, pan: number}[],
 *   events: {time: number, type: "on"|"off", channel: number, pitch: number, velocity?: number}[], seconds: number}}
 */
export function renderPlan(material) {
  const channels = new Map();
  const events = [];
  let seconds = 0;
  for (const note of material.notes) {
    if (!material.audible(note)) continue;
    const voice = material.voiceOf(note.track);
    const channel = voice.channel ?? 0;
    if (!channels.has(channel)) {
      channels.set(channel, { channel, program: voice.program ?? 0, volume: voice.volume ?? 100, pan: voice.pan ?? 64 });
    }
    const start = ticksToSeconds(material.tempoMap, note.start);
    const end = start + durationSeconds(material.tempoMap, note.start, note.duration);
    events.push({ time: start, type: "on", channel, pitch: note.pitch, velocity: note.velocity ?? 96 });
    events.push({ time: end, type: "off", channel, pitch: note.pitch });
    seconds = Math.max(seconds, end);
  }
  seconds = Math.max(seconds, ticksToSeconds(material.tempoMap, material.until ?? 0)); // to the last bar, with a video
  events.sort((a, b) => a.time - b.time || (a.type === "off" ? -1 : 1) - (b.type === "off" ? -1 : 1));
  return { channels: [...channels.values()].sort((a, b) => a.channel - b.channel), events, seconds };
}
