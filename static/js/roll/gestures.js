// The roll's pointer gestures, one at a time, each {move(e, p), up(e, p)}: draw, move, resize, box-select,
// select bars on the ruler, paint velocity, drag the overview, and the wheel. Mixed into PianoRoll, so
// `this` is the roll; they only ever emit intents (the studio turns them into ops).
import { OVERVIEW_HEIGHT } from "./geometry.js";
import { overviewFrame } from "./overview.js";
import { noteAreaBottom } from "./paint.js";

export const GESTURES = {
  startDraw(event, p) {
    const track = this.activeTrack;
    if (this.readOnly) return this.emit("refused", { reason: "this roll is read-only" });
    if (!track) return this.emit("refused", { reason: "add a track first (+ Add track, on the left)" });
    if (this.locked.has(track)) return this.emit("refused", { reason: "this track is locked for you" });
    const start = this.snap(this.geometry.tick(p.x) - (event.shiftKey ? 0 : this.grid / 2), event);
    const pitch = this.snapPitch(this.geometry.pitch(p.y));
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
  },

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
        const target = this.snapPitch(note.pitch + this.geometry.pitch(q.y) - origin.pitch);
        delta = { tick: e.shiftKey ? Math.round(raw) : Math.round(raw / this.grid) * this.grid, pitch: target - note.pitch };
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
  },

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
  },

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
  },

  startBarSelect(event, p) {
    const first = this.barAt(p.x);
    const pick = (q) => {
      const bar = this.barAt(q.x);
      this.emit("bars", { range: [Math.min(first, bar), Math.max(first, bar) + 1] });
    };
    pick(p);
    this.gesture = { move: (e, q) => pick(q), up: () => {} };
  },

  startVelocity(event, p) {
    const paint = (q) => {
      const tick = this.geometry.tick(q.x);
      const top = noteAreaBottom(q.height);
      const lane = q.height - OVERVIEW_HEIGHT - top;
      const velocity = Math.min(127, Math.max(1, Math.round(127 * (top + lane - q.y) / lane)));
      const targets = this.visibleNotes().filter((n) => n.track === this.activeTrack && this.editable(n)
        && (this.selection.size === 0 || this.selection.has(n.id)) && Math.abs(this.geometry.x(n.start) - q.x) < 5);
      if (targets.length && targets.some((n) => n.velocity !== velocity)) {
        this.emit("update", { changes: targets.map((n) => ({ id: n.id, velocity })), merge: true, tick });
      }
    };
    paint(p);
    this.gesture = { move: (e, q) => paint(q), up: () => {} };
  },

  startOverview(event, p) {
    this.canvas.setPointerCapture(event.pointerId);
    const centre = (q) => {
      const f = overviewFrame(this, q.width, q.height);
      const g = this.geometry;
      g.scrollTick = Math.max(0, f.tick(q.x) - this.noteAreaWidth() / g.pixelsPerTick / 2);
      this.rowsMoved();
      g.topPitch = Math.round(f.pitch(q.y) + this.visibleRows() / 2);
      g.clampPitch(this.noteAreaHeight());
      this.render();
    };
    centre(p);
    this.gesture = { move: (e, q) => centre(q), up: () => {} };
  },

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
    } else if ((event.ctrlKey || event.metaKey) && event.shiftKey) {
      this.rowsMoved();
      g.zoomRows(event.deltaY < 0 ? 1 : -1, this.noteAreaHeight(), g.pitch(p.y));
    } else if (event.ctrlKey || event.metaKey) {
      g.zoomAt(p.x, event.deltaY < 0 ? 1.15 : 1 / 1.15);
    } else if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
      g.scrollTick = Math.max(0, g.scrollTick + (event.deltaX || event.deltaY) / g.pixelsPerTick);
    } else {
      this.rowsMoved();
      g.topPitch -= Math.sign(event.deltaY) * 2;
      g.clampPitch(this.noteAreaHeight());
    }
    this.render();
  }
};
