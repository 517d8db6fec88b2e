// The video pane: the piece's video (the same for everyone in the room; the server says which), played
// with the roll. The roll's transport is the clock: while it plays, every animation frame compares the
// video's currentTime with the picture time of the transport's tick (core/picture.js) and nudges the
// playback rate, or seeks when far off (syncCorrection); the drift is measured for everyone to read
// (`stats()`). Stopped, the video shows the frame at the playhead; seeking the video moves the playhead.
import { mapOf, syncCorrection, tickToUs, usToTick } from "../core/picture.js";
import { position } from "../core/tempo-map.js";
import { barTicks } from "../core/ticks.js";
import { formatUs } from "../core/timecode.js";

const SETTLE_S = 0.5; // drift is counted once the video has had this long to settle after a start or seek
const START_LEAD_S = 0.05; // a paused video takes about this long to get going: start it that much early

/**
 * @param {{view: () => object, audio: object, playhead: () => number, seek: (tick: number) => void}} studio
 */
export class VideoPanel {
  constructor(studio) {
    this.studio = studio;
    this.pane = document.getElementById("picture-pane");
    this.video = document.getElementById("picture-video");
    this.slider = document.getElementById("picture-seek");
    this.info = null;
    this.running = false;
    this.settledAt = Infinity;
    this.drifts = [];
    this.correcting = true; // false only to measure a free-running video against (bench/video_sync.py)
    this.base = 1; // the video's rate that matches the transport's clock, learned while playing
    this.video.muted = !document.getElementById("picture-sound").checked;
    document.getElementById("picture-sound").addEventListener("change", (e) => { this.video.muted = !e.target.checked; });
    this.slider.addEventListener("input", () => this.studio.seek(this.tickAtVideo(Number(this.slider.value))));
    this.video.addEventListener("loadedmetadata", () => this.fitSlider());
    this.video.addEventListener("durationchange", () => this.fitSlider());
  }

  /** The piece's video changed (or was read on joining): show it, or hide the pane. */
  show(info) {
    this.info = info;
    this.pane.hidden = !info;
    if (!info) { this.video.removeAttribute("src"); this.video.load(); return; }
    if (this.video.getAttribute("src") !== info.url) { this.video.src = info.url; this.video.load(); }
    this.showFrame(this.studio.playhead());
  }

  fitSlider() {
    const duration = Number.isFinite(this.video.duration) ? this.video.duration : null;
    const state = this.studio.view();
    const pieceEnd = state ? tickToUs(state, state.piece.bars * barTicks(state.piece.time_signature)) / 1e6 : 60;
    this.slider.max = String(Math.max(1, duration ?? pieceEnd));
  }

  /** The piece tick at a time of the video (picture time is the video's time). */
  tickAtVideo(seconds) {
    return Math.max(0, usToTick(this.studio.view(), seconds * 1e6));
  }

  targetAt(tick) { return Math.max(0, tickToUs(this.studio.view(), tick) / 1e6); }

  /** Stopped: the frame at the playhead, and the clock beside it. */
  showFrame(tick) {
    this.clock(tick);
    if (!this.info || this.running) return;
    const target = this.targetAt(tick ?? 0);
    if (Math.abs(this.video.currentTime - target) > 0.01) this.video.currentTime = target;
    if (!this.video.paused) this.video.pause();
  }

  clock(tick) {
    const state = this.studio.view();
    if (!state) return;
    const us = tickToUs(state, tick ?? 0);
    const where = position(mapOf(state), tick ?? 0);
    document.getElementById("picture-tc").textContent = formatUs(Math.max(0, Math.round(us)), state.piece.fps);
    document.getElementById("picture-where").textContent = `bar ${where.bar + 1} · beat ${where.beat + 1}`;
    if (document.activeElement !== this.slider) this.slider.value = String(us / 1e6);
  }

  /** The transport started or stopped. */
  playing(on) {
    if (on && !this.running) {
      this.running = true;
      this.lastAt = null;
      this.settledAt = Infinity;
      if (this.info) requestAnimationFrame(() => this.follow());
    } else if (!on && this.running) {
      this.running = false;
      this.video.pause();
      this.video.playbackRate = 1;
      this.showFrame(this.studio.playhead());
    }
  }

  /** One step of following the transport (every animation frame while it plays). */
  follow() {
    if (!this.running || !this.info) return;
    const player = this.studio.audio.player;
    const now = player.context.currentTime;
    const tick = player.tickNow();
    const target = this.targetAt(tick);
    this.clock(tick);
    if (now < player.t0 - START_LEAD_S) { // the count-in: the picture waits on its first frame
      if (!this.video.paused) this.video.pause();
      if (Math.abs(this.video.currentTime - target) > 0.02) this.video.currentTime = target;
    } else {
      const fix = syncCorrection(this.video.currentTime, target, { base: this.base, dtS: now - (this.lastAt ?? now) });
      this.lastAt = now;
      this.base = fix.base;
      this.lastDrift = fix.drift;
      if (!this.correcting) {
        if (now >= this.settledAt) this.drifts.push(Math.abs(fix.drift));
      } else if (fix.seek !== undefined) {
        this.video.currentTime = fix.seek + 0.05; // it starts again a little late: aim ahead
        this.settledAt = now + SETTLE_S;
      } else {
        this.video.playbackRate = fix.rate;
        if (now >= this.settledAt) this.drifts.push(Math.abs(fix.drift));
      }
      if (this.video.paused) {
        this.video.play().catch(() => {});
        this.settledAt = now + SETTLE_S;
      }
    }
    requestAnimationFrame(() => this.follow());
  }

  /** How far the video strayed from the transport since `reset()`: seconds, over settled frames. */
  stats() {
    const sorted = [...this.drifts].sort((a, b) => a - b);
    const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? null;
    return { samples: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? null, last: this.lastDrift ?? null };
  }

  reset() { this.drifts = []; }
}
