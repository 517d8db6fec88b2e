// Painting the roll: rows, grid, ruler, notes by author, ghosts, playheads, velocity lane.
import { isBlackKey, KEYS_WIDTH, noteName, RULER_HEIGHT, VELOCITY_HEIGHT } from "./geometry.js";

export const AI_COLOUR = "#7a5af8";
const GRID = { bar: "#9aa3b5", beat: "#cfd5e1", step: "#e7eaf1" };

/** Draw the whole roll of `roll` (a PianoRoll) into the 2D context `g`. */
export function draw(g, roll, width, height) {
  const geo = roll.geometry;
  const bottom = height - VELOCITY_HEIGHT;
  g.clearRect(0, 0, width, height);
  paintRows(g, geo, width, bottom);
  paintGrid(g, roll, width, bottom);
  paintBars(g, roll, bottom);
  g.save();
  g.beginPath();
  g.rect(KEYS_WIDTH, RULER_HEIGHT, width - KEYS_WIDTH, bottom - RULER_HEIGHT);
  g.clip();
  for (const note of roll.visibleNotes()) paintNote(g, roll, displayed(roll, note));
  if (roll.ghosts) for (const note of roll.ghosts.notes) paintGhost(g, roll, note);
  if (roll.preview) paintNote(g, roll, roll.preview);
  paintRemote(g, roll, bottom);
  if (roll.box) paintBox(g, roll.box);
  g.restore();
  paintRuler(g, roll, width);
  paintKeys(g, geo, bottom);
  paintVelocity(g, roll, width, height);
}

function displayed(roll, note) {
  const m = roll.moving;
  if (m?.ids?.has(note.id)) return { ...note, start: note.start + m.delta.tick, pitch: note.pitch + m.delta.pitch };
  if (m?.resize === note.id) return { ...note, duration: m.duration };
  return note;
}

export function authorColour(roll, note) {
  if (note.author?.kind === "model") return AI_COLOUR;
  return roll.colours[note.author?.id] ?? "#4363d8";
}

function paintRows(g, geo, width, bottom) {
  for (let pitch = geo.topPitch; geo.y(pitch) < bottom; pitch--) {
    g.fillStyle = isBlackKey(pitch) ? "#eef0f5" : "#fbfbfd";
    g.fillRect(KEYS_WIDTH, geo.y(pitch), width - KEYS_WIDTH, geo.rowHeight);
    if (pitch % 12 === 0) {
      g.fillStyle = "#dde1ea";
      g.fillRect(KEYS_WIDTH, geo.y(pitch) + geo.rowHeight - 1, width - KEYS_WIDTH, 1);
    }
  }
}

function paintGrid(g, roll, width, bottom) {
  const geo = roll.geometry;
  const bar = roll.barTicks();
  const beat = 1920 / roll.state.piece.time_signature[1];
  const step = roll.grid * geo.pixelsPerTick >= 6 ? roll.grid : beat;
  const end = roll.state.piece.bars * bar;
  for (let t = Math.floor(geo.scrollTick / step) * step; geo.x(t) < width; t += step) {
    if (t > end) break;
    g.fillStyle = t % bar === 0 ? GRID.bar : t % beat === 0 ? GRID.beat : GRID.step;
    g.fillRect(Math.round(geo.x(t)), RULER_HEIGHT, 1, bottom - RULER_HEIGHT);
  }
  g.fillStyle = "rgba(29,35,48,0.06)";
  g.fillRect(geo.x(end), RULER_HEIGHT, width, bottom - RULER_HEIGHT); // past the end of the piece
}

function paintBars(g, roll, bottom) {
  if (!roll.bars) return;
  const geo = roll.geometry;
  const bar = roll.barTicks();
  g.fillStyle = "rgba(62,99,221,0.08)";
  g.fillRect(geo.x(roll.bars[0] * bar), RULER_HEIGHT, (roll.bars[1] - roll.bars[0]) * bar * geo.pixelsPerTick,
    bottom - RULER_HEIGHT);
}

let hatch = null;
function hatchPattern(g) {
  if (hatch) return hatch;
  const tile = new OffscreenCanvas(6, 6);
  const t = tile.getContext("2d");
  t.strokeStyle = "rgba(255,255,255,0.55)";
  t.lineWidth = 1.5;
  t.beginPath(); t.moveTo(0, 6); t.lineTo(6, 0); t.stroke();
  hatch = g.createPattern(tile, "repeat");
  return hatch;
}

function paintNote(g, roll, note) {
  const r = roll.geometry.noteRect(note);
  const replaced = roll.ghosts && roll.ghosts.tracks?.includes(note.track)
    && note.start >= roll.ghosts.bars[0] * roll.barTicks() && note.start < roll.ghosts.bars[1] * roll.barTicks();
  const dim = replaced || (roll.activeTrack && note.track !== roll.activeTrack);
  g.globalAlpha = dim ? 0.35 : 0.55 + 0.45 * (note.velocity / 127);
  g.fillStyle = authorColour(roll, note);
  g.fillRect(r.x, r.y + 1, r.w, r.h - 2);
  if (note.author?.kind === "model") { // AI notes are hatched; edited ones get a person's border
    g.fillStyle = hatchPattern(g);
    g.fillRect(r.x, r.y + 1, r.w, r.h - 2);
    if (note.human_edited) {
      g.strokeStyle = roll.colours[note.last_editor?.id] ?? "#1d2330";
      g.lineWidth = 2;
      g.strokeRect(r.x + 1, r.y + 2, r.w - 2, r.h - 4);
    }
  }
  g.globalAlpha = 1;
  if (roll.selection.has(note.id)) {
    g.strokeStyle = "#1d2330";
    g.lineWidth = 2;
    g.strokeRect(r.x, r.y + 1, r.w, r.h - 2);
  }
  if (roll.locked.has(note.track)) {
    g.fillStyle = "rgba(255,255,255,0.35)";
    g.fillRect(r.x, r.y + 1, r.w, r.h - 2);
  }
}

function paintGhost(g, roll, note) {
  const r = roll.geometry.noteRect(note);
  g.fillStyle = roll.ghosts.stale ? "rgba(150,150,150,0.25)" : "rgba(122,90,248,0.25)";
  g.fillRect(r.x, r.y + 1, r.w, r.h - 2);
  g.setLineDash([4, 3]);
  g.strokeStyle = roll.ghosts.stale ? "#888" : AI_COLOUR;
  g.lineWidth = 1.5;
  g.strokeRect(r.x + 0.5, r.y + 1.5, r.w - 1, r.h - 3);
  g.setLineDash([]);
}

function paintRemote(g, roll, bottom) {
  const geo = roll.geometry;
  for (const [user, info] of Object.entries(roll.remote)) {
    const colour = roll.colours[user] ?? "#999";
    for (const id of info.selection ?? []) {
      const note = roll.state.notes[id];
      if (!note) continue;
      const r = geo.noteRect(note);
      g.strokeStyle = colour;
      g.lineWidth = 2;
      g.strokeRect(r.x - 2, r.y - 1, r.w + 4, r.h + 2);
    }
    if (info.playhead != null) line(g, geo.x(info.playhead), bottom, colour, [2, 3]);
  }
  if (roll.playhead != null) line(g, geo.x(roll.playhead), bottom, "#e5484d");
}

function line(g, x, bottom, colour, dash = []) {
  g.setLineDash(dash);
  g.strokeStyle = colour;
  g.lineWidth = 2;
  g.beginPath(); g.moveTo(x, RULER_HEIGHT); g.lineTo(x, bottom); g.stroke();
  g.setLineDash([]);
}

function paintBox(g, box) {
  g.fillStyle = "rgba(62,99,221,0.12)";
  g.strokeStyle = "#3e63dd";
  g.fillRect(box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0);
  g.strokeRect(box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0);
}

function paintRuler(g, roll, width) {
  const geo = roll.geometry;
  const bar = roll.barTicks();
  g.fillStyle = "#fff";
  g.fillRect(0, 0, width, RULER_HEIGHT);
  g.fillStyle = "#1d2330";
  g.font = "11px system-ui, sans-serif";
  for (let b = Math.floor(geo.scrollTick / bar); geo.x(b * bar) < width && b < roll.state.piece.bars; b++) {
    const x = geo.x(b * bar);
    if (x >= KEYS_WIDTH) g.fillText(String(b + 1), x + 3, 16);
  }
  if (roll.bars) {
    g.fillStyle = "rgba(62,99,221,0.5)";
    g.fillRect(geo.x(roll.bars[0] * bar), RULER_HEIGHT - 5, (roll.bars[1] - roll.bars[0]) * bar * geo.pixelsPerTick, 5);
  }
  g.fillStyle = "#d9dee8";
  g.fillRect(0, RULER_HEIGHT - 1, width, 1);
}

function paintKeys(g, geo, bottom) {
  g.fillStyle = "#fff";
  g.fillRect(0, RULER_HEIGHT, KEYS_WIDTH, bottom - RULER_HEIGHT);
  g.font = "9px system-ui, sans-serif";
  for (let pitch = geo.topPitch; geo.y(pitch) < bottom; pitch--) {
    const y = geo.y(pitch);
    if (isBlackKey(pitch)) { g.fillStyle = "#2b303b"; g.fillRect(0, y, KEYS_WIDTH * 0.62, geo.rowHeight); }
    if (pitch % 12 === 0) { g.fillStyle = "#667085"; g.fillText(noteName(pitch), KEYS_WIDTH - 26, y + geo.rowHeight - 2); }
  }
  g.fillStyle = "#d9dee8";
  g.fillRect(KEYS_WIDTH - 1, RULER_HEIGHT, 1, bottom - RULER_HEIGHT);
}

function paintVelocity(g, roll, width, height) {
  const top = height - VELOCITY_HEIGHT;
  g.fillStyle = "#fff";
  g.fillRect(0, top, width, VELOCITY_HEIGHT);
  g.fillStyle = "#d9dee8";
  g.fillRect(0, top, width, 1);
  g.fillStyle = "#667085";
  g.font = "10px system-ui, sans-serif";
  g.fillText("velocity", 6, top + 14);
  for (const note of roll.visibleNotes()) {
    if (roll.activeTrack && note.track !== roll.activeTrack) continue;
    const x = roll.geometry.x(note.start);
    if (x < KEYS_WIDTH || x > width) continue;
    const h = (note.velocity / 127) * (VELOCITY_HEIGHT - 8);
    g.fillStyle = authorColour(roll, note);
    g.fillRect(x, height - h, 3, h);
  }
}
