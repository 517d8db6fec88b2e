// Musical time and screen geometry. Everything is in ticks, 480 per quarter note, as in the protocol.
//
// A view (what part of the roll is on screen) is a plain object:
//   { pixelsPerTick, scrollTick, rowHeight, topPitch }
//   - pixelsPerTick: horizontal zoom (0.1 means a quarter note is 48 px wide);
//   - scrollTick:    the tick at x = 0 (the left edge of the note area);
//   - rowHeight:     pixels per semitone row;
//   - topPitch:      the pitch whose row's top edge is at y = 0 (may be fractional while scrolling).
// x grows to the right with time, y grows downwards as pitch falls, like every DAW's piano roll.

export const TICKS_PER_QUARTER = 480;

/** Grid names (as shown in the snap menu) -> ticks. "t" is a triplet: three in the time of two. */
export const GRIDS = Object.freeze({
  '1/1': 1920, '1/2': 960, '1/4': 480, '1/8': 240, '1/16': 120, '1/32': 60,
  '1/2t': 640, '1/4t': 320, '1/8t': 160, '1/16t': 80, '1/32t': 40,
});

/**
 * Ticks in one bar of a time signature.
 * @param {[number, number]} timeSignature [beats, unit], e.g. [6, 8]
 * @returns {number}
 */
export function barTicks([beats, unit]) {
  return Math.floor((TICKS_PER_QUARTER * 4 * beats) / unit);
}

/**
 * Ticks in one beat (one `unit` note) of a time signature.
 * @param {[number, number]} timeSignature
 */
export function beatTicks([, unit]) {
  return Math.floor((TICKS_PER_QUARTER * 4) / unit);
}

/**
 * The size of a named grid in ticks ("1/16" -> 120, "1/8t" -> 160); throws on an unknown name.
 * @param {string} name
 * @returns {number}
 */
export function gridTicks(name) {
  if (!Object.hasOwn(GRIDS, name)) {
    throw new RangeError(`unknown grid ${name}; known: ${Object.keys(GRIDS).join(', ')}`);
  }
  return GRIDS[name];
}

/**
 * The grid line nearest to `tick` (halfway rounds up, later in time). Lines lie at origin + k * gridTicks;
 * pass a bar's start as `origin` when the grid does not divide the bar (triplets in 3/8, say).
 * @param {number} tick
 * @param {number} grid ticks between grid lines (>= 1)
 * @param {number} [origin]
 */
export function snap(tick, grid, origin = 0) {
  return origin + Math.round((tick - origin) / grid) * grid;
}

/**
 * The grid line at or before `tick` (where a click in a cell puts a new note).
 * @param {number} tick
 * @param {number} grid
 * @param {number} [origin]
 */
export function snapDown(tick, grid, origin = 0) {
  return origin + Math.floor((tick - origin) / grid) * grid;
}

/**
 * Screen x (px from the left edge of the note area) of a tick.
 * @param {number} tick
 * @param {{pixelsPerTick: number, scrollTick: number}} view
 */
export function tickToX(tick, view) {
  return (tick - view.scrollTick) * view.pixelsPerTick;
}

/**
 * The tick under screen x (fractional; snap or Math.floor it as the gesture needs).
 * @param {number} x
 * @param {{pixelsPerTick: number, scrollTick: number}} view
 */
export function xToTick(x, view) {
  return view.scrollTick + x / view.pixelsPerTick;
}

/**
 * Screen y of the top edge of a pitch's row.
 * @param {number} pitch
 * @param {{rowHeight: number, topPitch: number}} view
 */
export function pitchToY(pitch, view) {
  return (view.topPitch - pitch) * view.rowHeight;
}

/**
 * The pitch whose row contains screen y (an integer; rows span [top, top + rowHeight)). Not clamped to 0-127.
 * @param {number} y
 * @param {{rowHeight: number, topPitch: number}} view
 */
export function yToPitch(y, view) {
  return Math.ceil(view.topPitch - y / view.rowHeight) + 0; // + 0: Math.ceil(-0.5) is -0
}

/**
 * A view zoomed horizontally by `factor` around screen x, so the tick under the pointer stays put.
 * @param {object} view
 * @param {number} factor > 1 zooms in
 * @param {number} x
 * @returns {object} a new view
 */
export function zoomAt(view, factor, x) {
  const pixelsPerTick = view.pixelsPerTick * factor;
  return { ...view, pixelsPerTick, scrollTick: xToTick(x, view) - x / pixelsPerTick };
}

/**
 * A tick as "bar.beat.tick": bar and beat count from 1 (as DAWs and scores do), the ticks inside the
 * beat from 0 (as MIDI does). formatPosition(0, [4, 4]) is "1.1.0"; formatPosition(2040, [4, 4]) is "2.1.120".
 * Assumes one time signature for the whole piece, as the protocol has.
 * @param {number} tick
 * @param {[number, number]} timeSignature
 * @returns {string}
 */
export function formatPosition(tick, timeSignature) {
  const bar = barTicks(timeSignature);
  const beat = beatTicks(timeSignature);
  const inBar = tick % bar;
  return `${Math.floor(tick / bar) + 1}.${Math.floor(inBar / beat) + 1}.${inBar % beat}`;
}
