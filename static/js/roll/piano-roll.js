// <piano-roll>: draws a piece on a canvas and turns gestures into intents.
// It never talks to the server: the studio listens for `intent` events and sends ops.
//
// Properties the studio sets: state, ghosts, colours, me, locked, activeTrack, grid, filter,
// selection, bars (the selected bar range), playhead, remote, tool; readOnly (the history page) refuses
// every edit gesture but keeps hovering, bar selection and key previews.
// Events: `intent` with detail {kind: "add"|"update"|"delete"|"select"|"bars"|"preview"|"cursor"|"hover", ...}.
import { barTicks } from "../core/ticks.js";
import { Geometry, KEYS_WIDTH, RULER_HEIGHT, VELOCITY_HEIGHT } from "./geometry.js";
import { draw } from "./paint.js";

export class PianoRoll extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: "open" }).innerHTML = `<style>
      :host { display: block; position: relative; user-select: none; }
      canvas { display: block; width: 100%; height: 100%; touch-action: none; outline: none; }
    </style><canvas tabindex="0" part="canvas"></canvas>`;
    this.canvas = this.shadowRoot.querySelector("canvas");
    this.geometry = new Geometry();
    Object.assign(this, { state: null, ghosts: null, colours: {}, me: null, locked: new Set(), activeTrack: null,
      grid: 120, filter: "all", selection: new Set(), bars: null, playhead: null, remote: {}, tool: "draw",
      lastDuration: 480, preview: null, readOnly: false });
    this.canvas.addEventListener("pointerdown", (e) => this.onPointerDown(e));
    this.canvas.addEventListener("pointermove", (e) => this.onPointerMove(e));
    this.canvas.addEventListener("pointerup", (e) => this.onPointerUp(e));
    this.canvas.addEventListener("contextmenu", (e) => e.preventDefault());
    this.canvas.addEventListener("wheel", (e) => this.onWheel(e), { passive: false });
    new ResizeObserver(() => this.render()).observe(this);
  }

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
      if (this.state) draw(g, this, width, height);
    });
  }

  /** Notes shown under the current filter, in drawing order. */
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

  emit(kind, detail = {}) {
    this.dispatchEvent(new CustomEvent("intent", { detail: { kind, ...detail } }));
  }

  snap(tick, event) {
    if (event?.shiftKey) return Math.max(0, Math.round(tick)); // Shift bypasses the grid
    return Math.max(0, Math.round(tick / this.grid) * this.grid);
  }

  point(event) {
    const r = this.canvas.getBoundingClientRect();
    return { x: event.clientX - r.left, y: event.clientY - r.top, height: r.height };
  }

  editable(note) { return !this.readOnly && !this.locked.has(note.track); }

  // -- gestures (one at a time; each is {move(e, p), up(e, p)}) ------------------------------

  onPointerDown(event) {
    this.canvas.focus();
    const p = this.point(event);
    if (p.x < KEYS_WIDTH) return this.emit("preview", { pitch: this.geometry.pitch(p.y), track: this.activeTrack });
    this.canvas.setPointerCapture(event.pointerId);
    if (p.y < RULER_HEIGHT) return this.startBarSelect(event, p);
    if (p.y > p.height - VELOCITY_HEIGHT) return this.startVelocity(event, p);
    const hit = this.geometry.hit(this.visibleNotes(), p.x, p.y);
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
    if (this.gesture) this.gesture.move(event, p);
    else if (p.x > KEYS_WIDTH && p.y > RULER_HEIGHT) {
      const hit = this.geometry.hit(this.visibleNotes(), p.x, p.y);
      this.canvas.style.cursor = this.readOnly ? "default"
        : hit ? (hit.edge ? "ew-resize" : "grab") : (this.tool === "draw" ? "crosshair" : "default");
      this.emit("hover", { note: hit?.note ?? null, x: event.clientX, y: event.clientY });
      this.emit("cursor", { tick: Math.max(0, Math.round(this.geometry.tick(p.x))), pitch: this.geometry.pitch(p.y) });
    }
  }

  onPointerUp(event) {
    const gesture = this.gesture;
    this.gesture = null;
    this.preview = null;
    if (gesture) gesture.up(event, this.point(event));
    this.render();
  }

  startDraw(event, p) {
    const track = this.activeTrack;
    if (this.readOnly) return this.emit("refused", { reason: "this roll is read-only" });
    if (!track || this.locked.has(track)) return this.emit("refused", { reason: "this track is locked for you" });
    const start = this.snap(this.geometry.tick(p.x) - (event.shiftKey ? 0 : this.grid / 2), event);
    const pitch = this.geometry.pitch(p.y);
    const note = { track, start, duration: this.lastDuration, pitch, velocity: 96 };
    this.preview = { id: "preview", ...note };
    this.emit("preview", { pitch, track });
    this.gesture = {
      move: (e, q) => {
        const end = this.snap(this.geometry.tick(q.x), e);
        note.duration = Math.max(e.shiftKey ? 1 : this.grid, end - start);
        this.preview = { id: "preview", ...note };
        this.render();
      },
      up: () => {
        this.lastDuration = note.duration;
        this.emit("add", { note: { ...note } });
      },
    };
    this.render();
  }

  startMove(event, p, note) {
    if (event.shiftKey) {
      const next = new Set(this.selection);
      next.has(note.id) ? next.delete(note.id) : next.add(note.id);
      return this.emit("select", { ids: next });
    }
    if (!this.selection.has(note.id)) this.emit("select", { ids: new Set([note.id]) });
    const ids = [...this.selection].filter((id) => this.state.notes[id] && this.editable(this.state.notes[id]));
    const origin = { tick: this.geometry.tick(p.x), pitch: this.geometry.pitch(p.y) };
    let delta = { tick: 0, pitch: 0 };
    this.gesture = {
      move: (e, q) => {
        const raw = this.geometry.tick(q.x) - origin.tick;
        delta = { tick: e.shiftKey ? Math.round(raw) : Math.round(raw / this.grid) * this.grid,
                  pitch: this.geometry.pitch(q.y) - origin.pitch };
        this.moving = { ids: new Set(ids), delta };
        this.render();
      },
      up: () => {
        this.moving = null;
        if (!delta.tick && !delta.pitch) return;
        const changes = ids.map((id) => {
          const n = this.state.notes[id];
          return { id, start: Math.max(0, n.start + delta.tick), pitch: Math.min(127, Math.max(0, n.pitch + delta.pitch)) };
        });
        this.emit("update", { changes });
        if (delta.pitch) this.emit("preview", { pitch: note.pitch + delta.pitch, track: note.track });
      },
    };
  }

  startResize(event, note) {
    if (!this.editable(note)) return;
    let duration = note.duration;
    this.gesture = {
      move: (e, q) => {
        duration = Math.max(e.shiftKey ? 1 : this.grid, this.snap(this.geometry.tick(q.x), e) - note.start);
        this.moving = { resize: note.id, duration };
        this.render();
      },
      up: () => {
        this.moving = null;
        if (duration !== note.duration) {
          this.lastDuration = duration;
          this.emit("update", { changes: [{ id: note.id, duration }] });
        }
      },
    };
  }

  startBox(p) {
    this.box = { x0: p.x, y0: p.y, x1: p.x, y1: p.y };
    this.gesture = {
      move: (e, q) => { Object.assign(this.box, { x1: q.x, y1: q.y }); this.render(); },
      up: () => {
        const [x0, x1] = [Math.min(this.box.x0, this.box.x1), Math.max(this.box.x0, this.box.x1)];
        const [y0, y1] = [Math.min(this.box.y0, this.box.y1), Math.max(this.box.y0, this.box.y1)];
        const ids = this.visibleNotes().filter((n) => {
          const r = this.geometry.noteRect(n);
          return r.x < x1 && r.x + r.w > x0 && r.y < y1 && r.y + r.h > y0;
        }).map((n) => n.id);
        this.box = null;
        this.emit("select", { ids: new Set(ids) });
      },
    };
  }

  startBarSelect(event, p) {
    const barTicks = this.barTicks();
    const first = Math.max(0, Math.floor(this.geometry.tick(p.x) / barTicks));
    const pick = (q) => {
      const bar = Math.max(0, Math.floor(this.geometry.tick(q.x) / barTicks));
      this.emit("bars", { range: [Math.min(first, bar), Math.max(first, bar) + 1] });
    };
    pick(p);
    this.gesture = { move: (e, q) => pick(q), up: () => {} };
  }

  startVelocity(event, p) {
    const paint = (q) => {
      const tick = this.geometry.tick(q.x);
      const velocity = Math.min(127, Math.max(1, Math.round(127 * (q.height - q.y) / VELOCITY_HEIGHT)));
      const targets = this.visibleNotes().filter((n) => n.track === this.activeTrack && this.editable(n)
        && (this.selection.size === 0 || this.selection.has(n.id)) && Math.abs(this.geometry.x(n.start) - q.x) < 5);
      if (targets.length && targets.some((n) => n.velocity !== velocity)) {
        this.emit("update", { changes: targets.map((n) => ({ id: n.id, velocity })), merge: true, tick });
      }
    };
    paint(p);
    this.gesture = { move: (e, q) => paint(q), up: () => {} };
  }

  onWheel(event) {
    event.preventDefault();
    const p = this.point(event);
    const g = this.geometry;
    if (event.altKey) {
      const hit = g.hit(this.visibleNotes(), p.x, p.y);
      if (hit && this.editable(hit.note)) {
        const velocity = Math.min(127, Math.max(1, hit.note.velocity + (event.deltaY < 0 ? 4 : -4)));
        this.emit("update", { changes: [{ id: hit.note.id, velocity }], merge: true });
      }
    } else if (event.ctrlKey || event.metaKey) {
      g.zoomAt(p.x, event.deltaY < 0 ? 1.15 : 1 / 1.15);
    } else if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
      g.scrollTick = Math.max(0, g.scrollTick + (event.deltaX || event.deltaY) / g.pixelsPerTick);
    } else {
      g.topPitch = Math.min(127, Math.max(24, g.topPitch - Math.sign(event.deltaY) * 2));
    }
    this.render();
  }

  barTicks() {
    return barTicks(this.state?.piece.time_signature ?? [4, 4]);
  }
}

customElements.define("piano-roll", PianoRoll);
