// The transport's clock arithmetic under the tempo map, pure: when an (unrolled) tick plays after the
// transport started, and which tick is playing after some seconds, with or without a loop.
// The player (static/js/audio/player.js) schedules through it; core/tempo-map.js does the reading.
//
// "Absolute" ticks unroll a loop: the tick `loop[0] + k` on lap n is `loop[0] + n * span + k`, so they
// only grow while the transport runs. With a constant tempo (no changes) every function here does the
// player's old arithmetic operation for operation, so a piece without tempo changes sounds exactly as
// before (tests/js/transport.test.mjs checks the floats).
import { secondsToTicks, tempoAt, tempoMap, ticksToSeconds } from './tempo-map.js';

/** The map of a piece: its meter, bar-0 tempo and tempo changes (none: a constant tempo). */
export function pieceTempoMap(piece, tempoChanges = []) {
  return tempoMap(piece.time_signature, piece.tempo, tempoChanges ?? []);
}

const constantTempo = (map) => (map.segments.length === 1 ? map.segments[0].tempo : null);

/** Seconds that `duration` ticks from piece tick `start` last. */
export function durationSeconds(map, start, duration) {
  const tempo = constantTempo(map);
  if (tempo !== null) return duration / ((tempo / 60) * 480);
  return ticksToSeconds(map, start + duration) - ticksToSeconds(map, start);
}

/** Seconds of one beat (`beatTicks`) at the tempo in force at piece tick `tick` (the count-in's beat). */
export function beatSecondsAt(map, tick, beatTicks) {
  return beatTicks / ((tempoAt(map, Math.max(0, tick)) / 60) * 480);
}

/**
 * The clock of one run of the transport from piece tick `startTick` (with `loop` [from, to] ticks, the
 * transport starts at `from`).
 * @returns {{seconds: (abs: number) => number, ticks: (seconds: number) => number,
 *   pieceTick: (abs: number) => number}} seconds after the start at which an absolute tick plays; the
 *   absolute tick playing `seconds` after the start; the piece tick an absolute tick stands for
 */
export function timeline(map, startTick, loop = null) {
  const tempo = constantTempo(map);
  const span = loop ? loop[1] - loop[0] : Infinity;
  const pieceTick = (abs) => (loop ? loop[0] + ((abs - loop[0]) % span) : abs);
  if (tempo !== null) { // a line: unrolling changes nothing (the player's arithmetic before tempo maps)
    const ticksPerSecond = (tempo / 60) * 480;
    return {
      seconds: (abs) => (abs - startTick) / ticksPerSecond,
      ticks: (seconds) => startTick + seconds * (tempo / 60) * 480,
      pieceTick,
    };
  }
  const origin = ticksToSeconds(map, startTick);
  if (!loop) {
    return {
      seconds: (abs) => ticksToSeconds(map, abs) - origin,
      ticks: (seconds) => secondsToTicks(map, origin + seconds),
      pieceTick,
    };
  }
  const lapSeconds = ticksToSeconds(map, loop[1]) - ticksToSeconds(map, loop[0]);
  return {
    seconds(abs) {
      const lap = Math.floor((abs - loop[0]) / span);
      return lap * lapSeconds + ticksToSeconds(map, abs - lap * span) - origin;
    },
    ticks(seconds) {
      const lap = Math.floor(seconds / lapSeconds);
      const into = secondsToTicks(map, origin + seconds - lap * lapSeconds);
      return Math.min(into, loop[1]) + lap * span; // min: float noise at a lap's end stays in that lap
    },
    pieceTick,
  };
}
