// <piano-roll>: draws a piece on a canvas and turns gestures into intents.
// It never talks to the server: the studio listens for `intent` events and sends ops.
//
// Properties the studio sets: state, ghosts, colours (member id -> colour), trackColours (track id -> colour),
// colourBy ("track" | "author"), scale (Set of pitch classes of the key) and tonic, snapScale, me, locked,
// activeTrack, grid, filter, selection, bars (the selected bar range), playhead, caret, remote, tool; readOnly
// (the history page) refuses every edit gesture but keeps hovering, bar selection and key previews.
// Events: `rendered` after each redraw (its geometry may have scrolled or zoomed); `intent` with detail {kind: "add"|"update"|"delete"|"select"|"bars"|"bar-menu"|"preview"|"cursor"|
// "hover"|"refused", ...}.
import { snapToScale } from "../core/scale.js";
import { barTicks } from "../core/ticks.js";
import { Geometry, KEYS_WIDTH, OVERVIEW_HEIGHT, RULER_HEIGHT } from "./geometry.js";
import { GESTURES } from "./gestures.js";
import { draw, noteAreaBottom } from "./paint.js";

const ALL_KEYS = new Set([...Array(12).keys()]);

export class PianoRoll extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: "open", delegatesFocus: true }).innerHTML = `<style>
      :host { display: block; position: relative; user-select: none; }
      canvas { display: block; width: 100%; height: 100%; touch-action: none; }
      canvas:focus-visible { outline: 3px solid #f5a524; outline-offset: -3px; }
    </style><canvas tabindex="0" part="canvas" role="application" aria-roledescription="piano roll"
      aria-label="Piano roll"></canvas>`;
    this.canvas = this.shadowRoot.querySelector("canvas");
    this.geometry = new Geometry();
    Object.assign(this, { state: null, ghosts: null, colours: {}, trackColours: {}, colourBy: "track", scale: ALL_KEYS,
      tonic: null, snapScale: false, me: null, locked: new Set(), activeTrack: null, grid: 120, filter: "all",
      selection: new Set(), bars: null, playhead: null, caret: null, remote: {}, tool: "draw", lastDuration: 480,
      preview: null, readOnly: false, hoverPitch: null, showNames: true, focused: false });
    this.canvas.addEventListener("pointerdown", (e) => this.onPointerDown(e));
    this.canvas.addEventListener("pointermove", (e) => this.onPointerMove(e));
    this.canvas.addEventListener("pointerup", (e) => this.onPointerUp(e));
    this.canvas.addEventListener("pointerleave", () => this.onPointerLeave());
    this.canvas.addEventListener("contextmenu", (e) => this.onContextMenu(e));
    this.canvas.addEventListener("wheel", (e) => this.onWheel(e), { passive: false });
    this.canvas.addEventListener("focus", () => { this.focused = true; this.render(); });
    this.canvas.addEventListener("blur", () => { this.focused = false; this.render(); });
    // A lane or pane that opens (or a window that resizes) changes the roll's height: until someone
    // zooms or scrolls the rows themselves, the pitches last fitted stay in view.
    new ResizeObserver(() => {
      if (this.fittedRows) this.geometry.fitRows(this.fittedRows.low, this.fittedRows.high, this.noteAreaHeight());
      this.render();
    }).observe(this);
  }

  /** The roll's accessible name (what a screen reader announces on focus). */
  set label(text) { this.canvas.setAttribute("aria-label", text); }

  /** Ask for a redraw on the next frame (cheap to call often). */
  render() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      const ratio = window.devicePixelRatio || 1;
      const { width, height } = this.getBoundingClientRect();
      if (this.canvas.width !== Math.round(width * ratio)) this.canvas.width = Math.round(width * ratio);
      if (this.canvas.height !== Math.round(height * ratio)) this.canvas.height = Math.round(height * ratio);
      const g = this.canvas.getContext("2d");
      g.setTransform(ratio, 0, 0, ratio, 0, 0);
      this.geometry.clampPitch(this.noteAreaHeight());
      if (this.state) draw(g, this, width, height);
      this.dispatchEvent(new Event("rendered")); // lanes that share the time axis (the chord lane) follow
    });
  }

  noteAreaHeight() { return Math.max(1, noteAreaBottom(this.getBoundingClientRect().height) - RULER_HEIGHT); }
  noteAreaWidth() { return Math.max(1, this.getBoundingClientRect().width - KEYS_WIDTH); }
  visibleRows() { return this.geometry.rows(this.noteAreaHeight()); }

  /** Notes shown under the current filter, in drawing order (the active track's on top). */
  visibleNotes() {
    if (!this.state) return [];
    const keep = {
      all: () => true,
      ai: (n) => n.author?.kind === "model",
      mine: (n) => n.author?.kind === "user" && n.author.id === this.me,
      edited: (n) => n.author?.kind === "model" && n.human_edited,
    }[this.filter] || (() => true);
    return Object.values(this.state.notes).filter(keep).sort((a, b) => (a.track === this.activeTrack) -
      (b.track === this.activeTrack) || a.start - b.start);
  }

  // -- the view ---------------------------------------------------------------------------------

  zoomTime(factor) { this.geometry.zoomAt(KEYS_WIDTH + this.noteAreaWidth() / 2, factor); this.render(); }
  zoomRows(step) {
    this.rowsMoved();
    this.geometry.zoomRows(step, this.noteAreaHeight(), this.hoverPitch ?? undefined);
    this.render();
  }

  /** The person (or the page for them) chose the rows: a resize no longer re-fits them. */
  rowsMoved() { this.fittedRows = null; }

  /** Show the whole piece across, and `low`..`high` (at least the notes) from top to bottom. */
  fit({ low, high }) {
    const pitches = Object.values(this.state?.notes ?? {}).map((n) => n.pitch);
    const lo = Math.min(low, ...pitches);
    const hi = Math.max(high, ...pitches);
    this.geometry.fit({ from: 0, to: this.state.piece.bars * this.barTicks(), low: lo, high: hi },
      this.noteAreaWidth(), this.noteAreaHeight());
    this.fittedRows = { low: lo, high: hi };
    this.render();
  }

  /** Keep `tick` in view while playing: turn the page when the playhead nears the right edge. */
  follow(tick) {
    const g = this.geometry;
    const shown = this.noteAreaWidth() / g.pixelsPerTick;
    if (tick < g.scrollTick || tick > g.scrollTick + shown * 0.92) g.scrollTick = Math.max(0, tick - shown * 0.05);
  }

  /** Scroll so that a tick and a pitch are in view (keyboard caret, selections). */
  reveal(tick, pitch) {
    const g = this.geometry;
    const shown = this.noteAreaWidth() / g.pixelsPerTick;
    if (tick < g.scrollTick || tick > g.scrollTick + shown * 0.9) g.scrollTick = Math.max(0, tick - shown * 0.1);
    this.revealPitch(pitch);
  }

  /** Scroll up or down so that `pitch` is in view (in the middle, if it was not). */
  revealPitch(pitch) {
    const g = this.geometry;
    const rows = this.visibleRows();
    if (pitch <= g.topPitch && pitch > g.topPitch - rows) return;
    this.rowsMoved();
    if (pitch > g.topPitch || pitch <= g.topPitch - rows) g.topPitch = pitch + Math.floor(rows / 2);
    g.clampPitch(this.noteAreaHeight());
  }

  /**
   * The notes a pointer acts on: in draw mode only the active track's (the other tracks are faded
   * background, and a click there draws on the active track); in select mode every visible note.
   */
  touchable() {
    const notes = this.visibleNotes();
    return this.tool === "draw" && this.activeTrack ? notes.filter((n) => n.track === this.activeTrack) : notes;
  }

  emit(kind, detail = {}) {
    this.dispatchEvent(new CustomEvent("intent", { detail: { kind, ...detail } }));
  }

  snap(tick, event) {
    if (event?.shiftKey) return Math.max(0, Math.round(tick)); // Shift bypasses the grid
    return Math.max(0, Math.round(tick / this.grid) * this.grid);
  }

  /** A pitch as drawn: on the key's scale when "snap to key" is on. */
  snapPitch(pitch) {
    const clamped = Math.min(127, Math.max(0, pitch));
    return this.snapScale ? snapToScale(clamped, this.scale) : clamped;
  }

  point(event) {
    const r = this.canvas.getBoundingClientRect();
    return { x: event.clientX - r.left, y: event.clientY - r.top, height: r.height, width: r.width };
  }

  editable(note) { return !this.readOnly && !this.locked.has(note.track); }

  // -- gestures (one at a time; each is {move(e, p), up(e, p)}) ------------------------------

  onPointerDown(event) {
    this.canvas.focus();
    const p = this.point(event);
    this.emit("hover", { note: null });
    const bottom = noteAreaBottom(p.height);
    if (p.y >= p.height - OVERVIEW_HEIGHT) return this.startOverview(event, p);
    if (p.x < KEYS_WIDTH && p.y > RULER_HEIGHT && p.y < bottom) {
      return this.emit("preview", { pitch: this.geometry.pitch(p.y), track: this.activeTrack });
    }
    if (p.y < RULER_HEIGHT) {
      if (event.button === 2) return undefined; // the bar menu opens on `contextmenu`
      this.canvas.setPointerCapture(event.pointerId);
      return this.startBarSelect(event, p);
    }
    this.canvas.setPointerCapture(event.pointerId);
    if (p.y > bottom) return this.startVelocity(event, p);
    const hit = this.geometry.hit(this.touchable(), p.x, p.y);
    if (event.button === 2) {
      if (hit && this.editable(hit.note)) this.emit("delete", { ids: [hit.note.id] });
      return;
    }
    if (hit) return hit.edge ? this.startResize(event, hit.note) : this.startMove(event, p, hit.note);
    if (this.tool === "select" || event.shiftKey) return this.startBox(p);
    this.startDraw(event, p);
  }

  onPointerMove(event) {
    const p = this.point(event);
    if (this.gesture) return this.gesture.move(event, p);
    const inNotes = p.x > KEYS_WIDTH && p.y > RULER_HEIGHT && p.y < noteAreaBottom(p.height);
    const pitch = p.y > RULER_HEIGHT && p.y < noteAreaBottom(p.height) ? this.geometry.pitch(p.y) : null;
    if (pitch !== this.hoverPitch) { this.hoverPitch = pitch; this.render(); }
    if (!inNotes) { this.emit("hover", { note: null }); return; }
    const hit = this.geometry.hit(this.touchable(), p.x, p.y);
    this.canvas.style.cursor = this.readOnly ? "default"
      : hit ? (hit.edge ? "ew-resize" : "grab") : (this.tool === "draw" ? "crosshair" : "default");
    const seen = hit ?? this.geometry.hit(this.visibleNotes(), p.x, p.y); // any note's card, even a faded one's
    this.emit("hover", { note: seen?.note ?? null, x: event.clientX, y: event.clientY });
    this.emit("cursor", { tick: Math.max(0, Math.round(this.geometry.tick(p.x))), pitch });
  }

  onPointerUp(event) {
    const gesture = this.gesture;
    this.gesture = null;
    this.preview = null;
    if (gesture) gesture.up(event, this.point(event));
    this.render();
  }

  /** Right-click on the ruler: the bar menu (after pointerdown, so nothing closes it again at once). */
  onContextMenu(event) {
    event.preventDefault();
    const p = this.point(event);
    if (p.y < RULER_HEIGHT && p.x > KEYS_WIDTH) this.emit("bar-menu", { bar: this.barAt(p.x), x: event.clientX, y: event.clientY });
  }

  onPointerLeave() {
    this.hoverPitch = null;
    this.emit("hover", { note: null });
    this.render();
  }

  barAt(x) { return Math.max(0, Math.min(this.state.piece.bars - 1, Math.floor(this.geometry.tick(x) / this.barTicks()))); }

  barTicks() {
    return barTicks(this.state?.piece.time_signature ?? [4, 4]);
  }
}

Object.assign(PianoRoll.prototype, GESTURES);
customElements.define("piano-roll", PianoRoll);
