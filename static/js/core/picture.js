// Scoring to picture in the browser, pure (no DOM): picture time <-> ticks for a piece, the timecode
// ruler's labels, a solver's solution as ops, the video's sync correction, scene cuts from frame
// differences, and the AI writing to the cues (the request the AI panel's "Write to the cues" sends).
// Picture time is integer microseconds; bar 0's downbeat plays at the piece's start_offset_us.
import { frameUs, formatTimecode, framesToUs, rate, usToFrames } from './timecode.js';
import { tempoMap, ticksToUs, usToTicks } from './tempo-map.js';
import { barTicks, beatTicks } from './ticks.js';

export const CUE_KINDS = Object.freeze(['hit', 'cadence', 'start', 'stop']);

/** The piece's tempo map (its meter, bar-0 tempo and tempo changes). */
export function mapOf(state) {
  return tempoMap(state.piece.time_signature, state.piece.tempo, state.tempo_changes ?? []);
}

/** Picture time (us, not rounded) of a tick, and the (fractional) tick of a picture time. */
export function tickToUs(state, tick, map = mapOf(state)) {
  return ticksToUs(map, tick, state.piece.start_offset_us ?? 0);
}
export function usToTick(state, us, map = mapOf(state)) {
  return usToTicks(map, us, state.piece.start_offset_us ?? 0);
}

/** A time snapped to the start of its nearest frame at the piece's rate (where a cue placed by hand lands). */
export function snapToFrame(us, fps) {
  return Math.max(0, framesToUs(usToFrames(Math.max(0, Math.round(us)), fps), fps));
}

const STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];

/**
 * Labels of the timecode ruler between two ticks: every `step` of picture time (frames, seconds or minutes)
 * with at least `minPx` pixels between labels at `pxPerTick`; minor marks between them.
 * @returns {{labels: {tick: number, text: string}[], minor: number[], stepFrames: number}}
 */
export function rulerMarks(state, fromTick, toTick, pxPerTick, minPx = 84, map = mapOf(state)) {
  const fps = state.piece.fps ?? '25';
  const perSecond = rate(fps).nominal;
  const [us0, us1] = [tickToUs(state, fromTick, map), tickToUs(state, toTick, map)];
  const pxPerUs = ((toTick - fromTick) * pxPerTick) / Math.max(1, us1 - us0);
  const candidates = [1, 2, 5, 10].filter((f) => f < perSecond).concat(STEPS_S.map((s) => s * perSecond));
  const stepFrames = candidates.find((f) => f * frameUs(fps) * pxPerUs >= minPx) ?? candidates.at(-1);
  const minorFrames = stepFrames / ([5, 4, 2, 1].find((d) => stepFrames % d === 0));
  const first = Math.max(0, Math.ceil(usToFrames(Math.max(0, us0), fps) / minorFrames) * minorFrames);
  const labels = [];
  const minor = [];
  for (let frame = first, n = 0; n < 2000; frame += minorFrames, n++) {
    const us = framesToUs(frame, fps);
    if (us > us1) break;
    const tick = usToTick(state, us, map);
    if (frame % stepFrames === 0) labels.push({ tick, text: formatTimecode(frame, fps) });
    else minor.push(tick);
  }
  return { labels, minor, stepFrames };
}

/**
 * Applying a fit: ONE message that deletes the piece's tempo changes, sets bar 0's tempo, the start offset,
 * the meter if the fit used another, and enough bars (the piece never shrinks), then sets the fit's
 * changes. Undo takes it back whole.
 * @param {object} state the piece as it is now
 * @param {{tempo: number, start_offset_us: number, bars: number, tempo_changes: {bar: number, tempo: number}[]}} solution
 * @param {[number, number]} timeSignature the meter the fit was made in
 */
export function fitOps(state, solution, timeSignature = state.piece.time_signature) {
  const piece = state.piece;
  const ops = (state.tempo_changes ?? []).map((c) => ({ op: 'tempo.delete', bar: c.bar }));
  const update = { op: 'piece.update' };
  if (solution.tempo !== piece.tempo) update.tempo = solution.tempo;
  if (solution.start_offset_us !== (piece.start_offset_us ?? 0)) update.start_offset_us = solution.start_offset_us;
  if (timeSignature.join('/') !== piece.time_signature.join('/')) update.time_signature = [...timeSignature];
  const bars = Math.max(piece.bars, solution.bars, ...solution.tempo_changes.map((c) => c.bar + 1));
  if (bars !== piece.bars) update.bars = bars;
  if (Object.keys(update).length > 1) ops.push(update);
  for (const change of solution.tempo_changes) ops.push({ op: 'tempo.set', bar: change.bar, tempo: change.tempo });
  return ops;
}

/**
 * Keeping the video on the transport's clock, one animation frame at a time: a hard seek when it is far
 * off; otherwise a playback rate of `base` (the two clocks' learned speed ratio: the integral term, so a
 * steadily faster or slower clock leaves no standing error) minus the drift over `settleS` (the gap closes
 * in about that long), within 0.5-1.5. `base` learns only from small drifts, so a burst (a seek, a stall of
 * the audio clock) does not wind it up.
 * @param {number} videoS the video's currentTime
 * @param {number} targetS where the transport says the picture is
 * @param {{base?: number, dtS?: number}} [state] the last frame's `base`, and the seconds since that frame
 * @returns {{seek?: number, rate: number, drift: number, base: number}}
 */
export function syncCorrection(videoS, targetS, { base = 1, dtS = 1 / 60 } = {},
  { seekAboveS = 0.3, deadS = 0.004, settleS = 0.2, learn = 0.5, learnBelowS = 0.1 } = {}) {
  const drift = videoS - targetS;
  if (Math.abs(drift) > seekAboveS) return { seek: targetS, rate: base, drift, base };
  const learned = Math.abs(drift) < learnBelowS ? Math.min(1.2, Math.max(0.8, base - drift * learn * Math.min(dtS, 0.1))) : base;
  const push = Math.abs(drift) <= deadS ? 0 : drift / settleS;
  return { rate: Math.min(1.5, Math.max(0.5, learned - push)), drift, base: learned };
}

/**
 * Scene cuts from the differences between consecutive sampled frames: a sample is a cut when its difference
 * stands out from its neighbourhood (`ratio` times the median around it) and above `floor`; cuts closer
 * than `minGapS` keep the stronger.
 * @param {{time: number, diff: number}[]} samples time (s) of the later frame of each pair, diff in 0..1
 * @returns {{time: number, strength: number}[]}
 */
export function sceneCuts(samples, { floor = 0.12, ratio = 3, window = 6, minGapS = 0.5 } = {}) {
  const found = [];
  samples.forEach((s, i) => {
    const around = samples.slice(Math.max(0, i - window), i + window + 1).filter((_, j) => j !== Math.min(i, window))
      .map((n) => n.diff).sort((a, b) => a - b);
    const median = around.length ? around[Math.floor(around.length / 2)] : 0;
    if (s.diff >= floor && s.diff >= ratio * median) found.push({ time: s.time, strength: s.diff });
  });
  const kept = [];
  for (const cut of found) {
    const last = kept.at(-1);
    if (last && cut.time - last.time < minGapS) {
      if (cut.strength > last.strength) kept[kept.length - 1] = cut;
    } else kept.push(cut);
  }
  return kept;
}

/**
 * Each cue's musical target through the tempo map (what the AI writes to: issue 16, part 4). A cadence (and a start) asks for a downbeat, a hit for a beat;
 * a stop is free. `bar`/`beat` are 0-based, `tick` is the target's tick.
 */
export function cueTargets(state, map = mapOf(state)) {
  const perBar = barTicks(state.piece.time_signature);
  const perBeat = beatTicks(state.piece.time_signature);
  return Object.values(state.cues ?? {}).sort((a, b) => a.time_us - b.time_us).map((cue) => {
    const exact = usToTick(state, cue.time_us, map);
    const grid = cue.kind === 'hit' ? perBeat : cue.kind === 'stop' ? 1 : perBar;
    const tick = Math.max(0, Math.round(exact / grid) * grid);
    return { cue: cue.id, kind: cue.kind, label: cue.label, tick, bar: Math.floor(tick / perBar),
      beat: Math.floor((tick % perBar) / perBeat), target: { hit: 'beat', cadence: 'downbeat', start: 'downbeat' }[cue.kind] ?? null };
  });
}

/**
 * "Write to the cues": the generate message for `tracks` from `fromBar` to the bar of the next cadence cue (or,
 * with no cadence ahead, the last hit), carrying every cadence and hit inside that region as the engine's
 * `cue_targets` control ({kind, tick}; one per kind and tick, as cues rounded to the same beat share it). The
 * region ends at the cue's bar, so a cadence lands on its downbeat. Continue when the tracks have no notes from
 * `fromBar` on, else fill in (or the `operation` given). `cueId` picks the cue instead.
 * @throws {RangeError} with a sentence for the composer when there is no such cue
 */
export function cueRequest(state, { operation, tracks = [], fromBar = 0, cueId } = {}) {
  const perBar = barTicks(state.piece.time_signature);
  const targets = cueTargets(state).filter((t) => t.kind === 'cadence' || t.kind === 'hit');
  const ahead = targets.filter((t) => t.bar >= fromBar);
  const cue = cueId !== undefined ? targets.find((t) => t.cue === cueId)
    : ahead.find((t) => t.kind === 'cadence') ?? ahead.at(-1);
  if (!cue) throw new RangeError(cueId !== undefined ? `no cue ${String(cueId)}` : `No cadence or hit cue from bar ${fromBar + 1} on.`);
  if (cue.bar < fromBar) throw new RangeError(`That cue is before bar ${fromBar + 1}.`);
  const endBar = cue.bar + 1;
  const written = new Set(tracks.map(String));
  const later = Object.values(state.notes ?? {}).some((n) => written.has(String(n.track)) && n.start >= fromBar * perBar);
  const seen = new Set();
  const inside = ahead.filter((t) => t.bar < endBar && !seen.has(`${t.kind} ${t.tick}`) && seen.add(`${t.kind} ${t.tick}`));
  return { type: 'generate', operation: operation ?? (later ? 'infill' : 'continue'), tracks, bars: [fromBar, endBar],
    controls: { cue_targets: inside.map(({ kind, tick }) => ({ kind, tick })) } };
}
