// SMPTE timecode (24, 25, 29.97 drop-frame, 30 fps) and plain seconds <-> integer microseconds and
// frame numbers: the exact port of engine/picture/timecode.py (checked by tests/js/timecode.test.mjs
// against fixtures the Python side writes). Pure: no DOM, no I/O.
//
// Frame f starts at f / rate seconds rounded to the nearest microsecond (halves up). Drop-frame counts
// 30 labels a second but skips ;00 and ;01 at the start of every minute except every tenth.

export const MAX_US = 86_400_000_000; // 24 hours
const MAX_TEXT = 40;

export const RATES = Object.freeze({
  24: Object.freeze({ name: '24', nominal: 24, num: 24, den: 1, drop: false }),
  25: Object.freeze({ name: '25', nominal: 25, num: 25, den: 1, drop: false }),
  '29.97df': Object.freeze({ name: '29.97df', nominal: 30, num: 30000, den: 1001, drop: true }),
  30: Object.freeze({ name: '30', nominal: 30, num: 30, den: 1, drop: false }),
});
/** The rates in the order they are offered (an object lists integer-like keys first). */
export const RATE_NAMES = Object.freeze(['24', '25', '29.97df', '30']);
const DF_TEN_MINUTES = 17_982;
const DF_MINUTE = 1_798;

const TIMECODE = /^([0-9]{1,2})([:;])([0-9]{2})([:;])([0-9]{2})([:;.])([0-9]{2})$/;
const SECONDS = /^(?:(?:([0-9]+):)?([0-9]+):)?([0-9]+)(?:\.([0-9]+))?$/;
// Exactly what Python's str.strip() removes (JS's \s also takes U+FEFF and misses U+001C-U+001F, U+0085).
const SPACE = '[\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const STRIP = new RegExp(`^${SPACE}+|${SPACE}+$`, 'g');

/** floor(a / b) for whole numbers below 2 ** 53, exact even where the float quotient rounds up. */
function idiv(a, b) {
  let q = Math.floor(a / b);
  while (q * b > a) q -= 1;
  while ((q + 1) * b <= a) q += 1;
  return q;
}

/** The rate named by `fps` ("24", "25", "29.97df", "30"); RangeError for anything else. */
export function rate(fps) {
  if (typeof fps !== 'string' || !Object.hasOwn(RATES, fps)) {
    throw new RangeError(`frame rate must be one of ${RATE_NAMES.join(', ')}, not ${String(fps)}`);
  }
  return RATES[fps];
}

/** One frame in microseconds (33366.67 at 29.97df). */
export function frameUs(fps) {
  const r = rate(fps);
  return (1_000_000 * r.den) / r.num;
}

/** When frame `frames` starts, in integer microseconds (nearest, halves up). */
export function framesToUs(frames, fps) {
  const r = rate(fps);
  return idiv(2 * frames * 1_000_000 * r.den + r.num, 2 * r.num);
}

/** The frame whose start is nearest to `us` (halves to the later frame). */
export function usToFrames(us, fps) {
  const r = rate(fps);
  return idiv(2 * us * r.num + 1_000_000 * r.den, 2_000_000 * r.den);
}

/** The frame on screen at `us` (the last one started at or before it). */
export function frameAt(us, fps) {
  const r = rate(fps);
  const frame = idiv(us * r.num, 1_000_000 * r.den);
  if (framesToUs(frame, fps) > us) return frame - 1;
  return framesToUs(frame + 1, fps) <= us ? frame + 1 : frame;
}

const pad = (n) => String(n).padStart(2, '0');

/** Frame number -> "hh:mm:ss:ff" ("hh:mm:ss;ff" at 29.97df); RangeError below 0 or past 23:59:59. */
export function formatTimecode(frames, fps) {
  const r = rate(fps);
  if (!Number.isSafeInteger(frames) || frames < 0) {
    throw new RangeError(`a frame number is a whole number >= 0, not ${String(frames)}`);
  }
  let label = frames;
  if (r.drop) {
    const tens = Math.floor(frames / DF_TEN_MINUTES);
    const rest = frames % DF_TEN_MINUTES;
    label += 18 * tens + (rest > 1 ? 2 * Math.floor((rest - 2) / DF_MINUTE) : 0);
  }
  const ff = label % r.nominal;
  const seconds = Math.floor(label / r.nominal);
  const ss = seconds % 60;
  const minutes = Math.floor(seconds / 60);
  const mm = minutes % 60;
  const hh = Math.floor(minutes / 60);
  if (hh > 23) throw new RangeError(`frame ${frames} is past 23:59:59 at ${fps} fps`);
  return `${pad(hh)}:${pad(mm)}:${pad(ss)}${r.drop ? ';' : ':'}${pad(ff)}`;
}

/** The timecode of the frame nearest to `us`. */
export function formatUs(us, fps) {
  return formatTimecode(usToFrames(us, fps), fps);
}

/** Microseconds as plain seconds: "12.5", "1:02.25", "1:02:03.000001". */
export function formatSeconds(us) {
  if (!Number.isSafeInteger(us) || us < 0) {
    throw new RangeError(`a time is a whole number of microseconds >= 0, not ${String(us)}`);
  }
  const micro = us % 1_000_000;
  const seconds = Math.floor(us / 1_000_000);
  const ss = seconds % 60;
  const mm = Math.floor(seconds / 60) % 60;
  const hh = Math.floor(seconds / 3600);
  const frac = `.${String(micro).padStart(6, '0')}`.replace(/0+$/, '').replace(/\.$/, '');
  if (hh) return `${hh}:${pad(mm)}:${pad(ss)}${frac}`;
  return mm ? `${mm}:${pad(ss)}${frac}` : `${ss}${frac}`;
}

function forms(r) {
  const drop = r.drop ? '; hh:mm:ss;ff or hh:mm:ss.ff for drop-frame' : '';
  return `SMPTE timecode hh:mm:ss:ff (frames 00-${r.nominal - 1}${drop}) or seconds (12.5, 1:02.250, 1:02:03.5)`;
}

const isText = (text) => typeof text === 'string' && text.length <= MAX_TEXT;

/** SMPTE timecode text -> frame number; RangeError naming the accepted forms for anything else. */
export function parseTimecode(text, fps) {
  const r = rate(fps);
  const match = isText(text) ? text.replace(STRIP, '').match(TIMECODE) : null;
  if (!match) throw new RangeError(`'${String(text)}' is not timecode at ${fps} fps: write ${forms(r)}`);
  return timecodeFrames(text, match, r);
}

function timecodeFrames(text, match, r) {
  const [hh, mm, ss, ff] = [1, 3, 5, 7].map((i) => Number(match[i]));
  const separators = match[2] + match[4] + match[6];
  if (!r.drop && separators !== ':::') {
    throw new RangeError(`'${text}': ';' or '.' before the frames marks drop-frame timecode, `
      + `but the rate is ${r.name} fps; write hh:mm:ss:ff`);
  }
  if (hh > 23 || mm > 59 || ss > 59) throw new RangeError(`'${text}': hours run 00-23, minutes and seconds 00-59`);
  if (ff >= r.nominal) throw new RangeError(`'${text}': frames run 00-${r.nominal - 1} at ${r.name} fps`);
  if (!r.drop) return ((hh * 60 + mm) * 60 + ss) * r.nominal + ff;
  if (ss === 0 && ff < 2 && mm % 10) {
    throw new RangeError(`'${text}' does not exist in drop-frame timecode: frames 00 and 01 are skipped at `
      + 'the start of every minute except minutes 00, 10, 20, 30, 40 and 50');
  }
  const minutes = hh * 60 + mm;
  return (minutes * 60 + ss) * 30 + ff - 2 * (minutes - Math.floor(minutes / 10));
}

/** Timecode or plain seconds -> integer microseconds (a timecode gives its frame's start). */
export function parseTime(text, fps) {
  const r = rate(fps);
  if (!isText(text)) throw new RangeError(`'${String(text)}' is not a time: write ${forms(r)}`);
  const stripped = text.replace(STRIP, '');
  const match = stripped.match(TIMECODE);
  // At 29.97df "01:02:03.15" is drop-frame timecode; at other rates the dot is a decimal point.
  const us = match && (match[6] !== '.' || r.drop)
    ? framesToUs(timecodeFrames(text, match, r), fps)
    : secondsUs(text, stripped, r);
  if (us > MAX_US) throw new RangeError(`'${text}' is past 24 hours`);
  return us;
}

function secondsUs(text, stripped, r) {
  const match = stripped.match(SECONDS);
  if (!match) throw new RangeError(`'${text}' is not a time: write ${forms(r)}`);
  const [, hours, minutes, seconds, frac = ''] = match;
  if ((minutes !== undefined && Number(seconds) > 59) || (hours !== undefined && Number(minutes) > 59)) {
    throw new RangeError(`'${text}': minutes and seconds after a ':' run 00-59`);
  }
  const whole = (Number(hours ?? 0) * 60 + Number(minutes ?? 0)) * 60 + Number(seconds);
  if (whole > MAX_US / 1_000_000) throw new RangeError(`'${text}' is past 24 hours`);
  const micro = Number(`${frac}000000`.slice(0, 6)) + (frac.length > 6 && frac[6] >= '5' ? 1 : 0);
  return whole * 1_000_000 + micro;
}
