// Suggesting cues from scene cuts, in the browser: a second, muted copy of the video is stepped through,
// each sampled frame drawn small into a canvas and compared with the one before (mean difference of its
// colours); the samples that stand out are cuts (core/picture.js sceneCuts), each narrowed down by
// halving to within a frame. Nothing here knows what the picture shows: a cut is a jump in the pixels.
// The suggestions are only this person's proposals until accepted (as cue.add ops).
import { sceneCuts } from "../core/picture.js";

const W = 48;
const H = 27;

function seekTo(video, seconds) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the video did not seek")), 10_000);
    video.addEventListener("seeked", () => { clearTimeout(timer); resolve(); }, { once: true });
    video.currentTime = seconds;
  });
}

/** A frame, small: W x H x (red, green, blue), each 0..1 (colour counts: two scenes can be equally bright). */
function grab(video, g) {
  g.drawImage(video, 0, 0, W, H);
  const { data } = g.getImageData(0, 0, W, H);
  const out = new Float32Array(W * H * 3);
  for (let i = 0; i < W * H; i++) for (let c = 0; c < 3; c++) out[3 * i + c] = data[4 * i + c] / 255;
  return out;
}

const difference = (a, b) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]), 0) / a.length;

/** How long the video is, when its file does not say (a recorded WebM): seek far past the end and read it. */
async function duration(video) {
  if (Number.isFinite(video.duration)) return video.duration;
  await seekTo(video, 1e7).catch(() => {});
  return Number.isFinite(video.duration) ? video.duration : video.currentTime;
}

/**
 * Seconds between the frames compared first: cuts closer than this are one to the scan. The frame
 * found by bisecting between two of them depends on how exactly the browser seeks (not exactly, in a
 * recorded WebM on a busy machine), so one cut found twice may land a few frames apart.
 */
export const CUT_STEP_S = 0.2;

/**
 * Cuts in the video at `url`: times in seconds of the first frame after each cut.
 * @param {{stepS?: number, frameS?: number, onProgress?: (done: number) => void}} [options]
 */
export async function findCuts(url, { stepS = CUT_STEP_S, frameS = 1 / 25, onProgress = () => {} } = {}) {
  const video = document.createElement("video");
  Object.assign(video, { muted: true, preload: "auto", playsInline: true, src: url });
  const canvas = Object.assign(document.createElement("canvas"), { width: W, height: H });
  const g = canvas.getContext("2d", { willReadFrequently: true });
  try {
    await new Promise((resolve, reject) => {
      video.addEventListener("loadeddata", resolve, { once: true });
      video.addEventListener("error", () => reject(new Error("the video could not be read")), { once: true });
    });
    const length = await duration(video);
    const frames = [];
    for (let t = 0; t <= length; t += stepS) {
      await seekTo(video, t);
      frames.push({ time: t, pixels: grab(video, g) });
      onProgress(Math.min(1, t / length));
    }
    const samples = frames.slice(1).map((f, i) => ({ time: f.time, diff: difference(f.pixels, frames[i].pixels), before: frames[i] }));
    findCuts.samples = samples.map(({ time, diff }) => ({ time, diff })); // for the curious (and the tests)
    const cuts = [];
    for (const cut of sceneCuts(samples)) {
      const sample = samples.find((s) => s.time === cut.time);
      let [lo, hi] = [sample.before.time, sample.time];
      const [a, b] = [sample.before.pixels, frames.find((f) => f.time === sample.time).pixels];
      while (hi - lo > frameS / 2) { // the new scene's first frame lies in (lo, hi]
        const mid = (lo + hi) / 2;
        await seekTo(video, mid);
        const here = grab(video, g);
        if (difference(here, b) < difference(here, a)) hi = mid; else lo = mid;
      }
      cuts.push({ time: hi, strength: cut.strength });
    }
    return cuts;
  } finally {
    video.removeAttribute("src");
    video.load();
  }
}
