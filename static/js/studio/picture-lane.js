// The picture lane above the roll: a timecode ruler (hh:mm:ss:ff at the piece's rate, from its start offset
// and tempo map), the tempo at each bar where it changes, and the cues as markers (shape and colour by kind,
// label on hover), with proposed scene cuts as dashed ghosts. It reads the roll's geometry on every redraw
// (the roll's `rendered` event), so it always lines up with bars and beats below.
// Gestures: drag a cue to move it (to the nearest frame; Shift: to the microsecond), double-click the cue
// band to add a hit there, click a cue to edit it, click a tempo to change it, click the timecode to move
// the playhead (and the video) there.
import { formatUs } from "../core/timecode.js";
import { mapOf, rulerMarks, snapToFrame, tickToUs, usToTick } from "../core/picture.js";
import { barTicks } from "../core/ticks.js";
import { KEYS_WIDTH } from "../roll/geometry.js";

export const LANE_HEIGHT = 42;
const BANDS = { timecode: [0, 15], tempo: [15, 27], cues: [27, 42] };
export const CUE_STYLE = {
  hit: { colour: "#e4572e", name: "hit" }, cadence: { colour: "#6a3fb5", name: "cadence" },
  start: { colour: "#1b8a5a", name: "start" }, stop: { colour: "#c1121f", name: "stop" },
};

/** Draw one cue marker centred on x (shape by kind, so it reads without colour too). */
export function drawMarker(g, kind, x, y, { ghost = false, selected = false } = {}) {
  g.save();
  g.fillStyle = ghost ? "rgba(0,0,0,0)" : CUE_STYLE[kind]?.colour ?? "#333";
  g.strokeStyle = ghost ? "#555" : selected ? "#111" : "#fff";
  g.lineWidth = selected ? 2 : 1;
  if (ghost) g.setLineDash([2, 2]);
  g.beginPath();
  if (kind === "hit") { g.moveTo(x - 6, y - 5); g.lineTo(x + 6, y - 5); g.lineTo(x, y + 6); } // a down arrow: an accent
  else if (kind === "cadence") { g.moveTo(x, y - 6); g.lineTo(x + 6, y); g.lineTo(x, y + 6); g.lineTo(x - 6, y); }
  else if (kind === "start") { g.moveTo(x, y - 6); g.lineTo(x + 8, y - 2); g.lineTo(x, y + 2); g.lineTo(x, y + 6); g.lineTo(x - 1, y + 6); g.lineTo(x - 1, y - 6); }
  else g.rect(x - 5, y - 5, 10, 10);
  g.closePath();
  if (!ghost) g.fill();
  g.stroke();
  g.restore();
}

export class PictureLane {
  /**
   * @param {{canvas: HTMLCanvasElement, roll: HTMLElement, tip: HTMLElement, view: () => object,
   *   mayEdit: () => boolean, moveCue: Function, addCue: Function, openCue: Function, editTempo: Function,
   *   seek: (tick: number) => void, proposals: () => {time_us: number}[]}} parts
   */
  constructor(parts) {
    Object.assign(this, parts);
    this.drag = null;
    this.selected = null;
    this.roll.addEventListener("rendered", () => this.draw());
    this.canvas.addEventListener("pointerdown", (e) => this.down(e));
    this.canvas.addEventListener("pointermove", (e) => this.move(e));
    this.canvas.addEventListener("pointerup", (e) => this.up(e));
    this.canvas.addEventListener("pointerleave", () => { this.tip.hidden = true; });
    this.canvas.addEventListener("dblclick", (e) => this.double(e));
  }

  point(e) {
    const r = this.canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  /** The cue marker under a point (the nearest within 7 px in the cue band), or null. */
  cueAt({ x, y }) {
    const state = this.view();
    if (!state || y < BANDS.cues[0] - 2) return null;
    const map = mapOf(state);
    let best = null;
    for (const cue of Object.values(state.cues)) {
      const d = Math.abs(this.roll.geometry.x(usToTick(state, cue.time_us, map)) - x);
      if (d <= 7 && (!best || d < best.d)) best = { cue, d };
    }
    return best?.cue ?? null;
  }

  tempoAt({ x, y }) {
    const state = this.view();
    if (!state || y < BANDS.tempo[0] || y >= BANDS.tempo[1]) return null;
    const per = barTicks(state.piece.time_signature);
    const flags = [{ bar: 0, tempo: state.piece.tempo }, ...state.tempo_changes];
    return flags.find((f) => x >= this.roll.geometry.x(f.bar * per) - 2 && x <= this.roll.geometry.x(f.bar * per) + 44) ?? null;
  }

  down(e) {
    const p = this.point(e);
    if (p.x < KEYS_WIDTH) return;
    const cue = this.cueAt(p);
    if (cue) {
      this.canvas.setPointerCapture(e.pointerId);
      this.drag = { cue, startX: p.x, moved: false, us: cue.time_us };
      return;
    }
    const tempo = this.tempoAt(p);
    if (tempo) return this.editTempo(tempo);
    if (p.y < BANDS.tempo[1]) this.seek(Math.max(0, this.roll.geometry.tick(p.x)));
  }

  move(e) {
    const p = this.point(e);
    const state = this.view();
    if (!state) return;
    if (this.drag) {
      this.drag.moved ||= Math.abs(p.x - this.drag.startX) > 3;
      if (this.drag.moved) {
        const us = Math.max(0, Math.round(tickToUs(state, this.roll.geometry.tick(p.x))));
        this.drag.us = e.shiftKey ? us : snapToFrame(us, state.piece.fps);
        this.draw();
        this.showTip(e, `${formatUs(this.drag.us, state.piece.fps)}`);
      }
      return;
    }
    const cue = this.cueAt(p);
    const tempo = cue ? null : this.tempoAt(p);
    this.canvas.style.cursor = cue ? "grab" : tempo ? "pointer" : p.y < BANDS.tempo[1] ? "col-resize" : "copy";
    if (cue) this.showTip(e, `${CUE_STYLE[cue.kind].name} at ${formatUs(cue.time_us, state.piece.fps)}${cue.label ? `: ${cue.label}` : ""}`);
    else if (tempo) this.showTip(e, `♩ = ${tempo.tempo} from bar ${tempo.bar + 1} (click to change)`);
    else if (p.x >= KEYS_WIDTH) this.showTip(e, formatUs(Math.max(0, Math.round(tickToUs(state, this.roll.geometry.tick(p.x)))), state.piece.fps));
  }

  up() {
    const drag = this.drag;
    this.drag = null;
    if (!drag) return;
    if (drag.moved && drag.us !== drag.cue.time_us) this.moveCue(drag.cue, drag.us);
    else if (!drag.moved) { this.selected = drag.cue.id; this.openCue(drag.cue); }
    this.draw();
  }

  double(e) {
    const p = this.point(e);
    const state = this.view();
    if (!state || p.x < KEYS_WIDTH || p.y < BANDS.cues[0] || this.cueAt(p) || !this.mayEdit()) return;
    const us = Math.max(0, Math.round(tickToUs(state, this.roll.geometry.tick(p.x))));
    this.addCue(e.shiftKey ? us : snapToFrame(us, state.piece.fps));
  }

  showTip(e, text) {
    this.tip.textContent = text;
    this.tip.hidden = false;
    this.tip.style.left = `${e.clientX + 12}px`;
    this.tip.style.top = `${e.clientY + 14}px`;
  }

  draw() {
    const state = this.view();
    if (this.canvas.hidden || !state) return;
    const ratio = window.devicePixelRatio || 1;
    const { width } = this.canvas.getBoundingClientRect();
    if (this.canvas.width !== Math.round(width * ratio)) this.canvas.width = Math.round(width * ratio);
    if (this.canvas.height !== Math.round(LANE_HEIGHT * ratio)) this.canvas.height = Math.round(LANE_HEIGHT * ratio);
    const g = this.canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    const geo = this.roll.geometry;
    const map = mapOf(state);
    g.fillStyle = "#f3f1ea";
    g.fillRect(0, 0, width, LANE_HEIGHT);
    g.fillStyle = "#e8e4d8";
    g.fillRect(0, BANDS.cues[0], width, BANDS.cues[1] - BANDS.cues[0]);
    const from = Math.max(0, geo.tick(KEYS_WIDTH));
    const to = Math.max(from + 1, geo.tick(width));
    const marks = rulerMarks(state, from, to, geo.pixelsPerTick, 84, map);
    g.fillStyle = "#8a8578";
    for (const tick of marks.minor) g.fillRect(Math.round(geo.x(tick)), 11, 1, 4);
    g.fillStyle = "#3d3a33";
    g.font = "9px ui-monospace, monospace";
    for (const { tick, text } of marks.labels) {
      const x = Math.round(geo.x(tick));
      g.fillRect(x, 1, 1, 14);
      g.fillText(text, x + 3, 9);
    }
    this.drawTempi(g, state, geo);
    const proposals = this.proposals();
    for (const p of proposals) drawMarker(g, "hit", geo.x(usToTick(state, p.time_us, map)), 34, { ghost: true });
    for (const cue of Object.values(state.cues)) {
      const us = this.drag?.cue.id === cue.id && this.drag.moved ? this.drag.us : cue.time_us;
      const x = geo.x(usToTick(state, us, map));
      if (x > KEYS_WIDTH - 6 && x < width + 6) drawMarker(g, cue.kind, x, 34, { selected: this.selected === cue.id });
    }
    if (this.roll.playhead != null) {
      g.fillStyle = "#d62828";
      g.fillRect(Math.round(geo.x(this.roll.playhead)), 0, 1, LANE_HEIGHT);
    }
    g.fillStyle = "#f3f1ea";
    g.fillRect(0, 0, KEYS_WIDTH, LANE_HEIGHT);
    g.fillStyle = "#3d3a33";
    g.font = "10px system-ui, sans-serif";
    g.fillText(`TC ${state.piece.fps}`, 6, 11);
    g.fillText("tempo", 6, 24);
    g.fillText("cues", 6, 38);
    g.fillStyle = "#cfc9b8";
    g.fillRect(0, LANE_HEIGHT - 1, width, 1);
  }

  drawTempi(g, state, geo) {
    const per = barTicks(state.piece.time_signature);
    g.font = "10px system-ui, sans-serif";
    const flags = [{ bar: 0, tempo: state.piece.tempo }, ...state.tempo_changes];
    flags.forEach((f, i) => {
      const x = Math.round(geo.x(f.bar * per));
      g.fillStyle = i === 0 ? "#6b665a" : "#1d4e89";
      g.fillRect(x, BANDS.tempo[0], 1, BANDS.tempo[1] - BANDS.tempo[0]);
      g.fillText(`♩=${f.tempo}`, x + 3, BANDS.tempo[1] - 3);
    });
  }
}
