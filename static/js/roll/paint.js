// Painting the roll: rows shaded by the piece's key, grid, ruler, outlined notes coloured by track or
// by author (AI notes hatched in both), ghosts, playheads, the row under the pointer, velocity lane.
import { paintOverview } from "./overview.js";
import { isBlackKey, KEYS_WIDTH, noteName, OVERVIEW_HEIGHT, RULER_HEIGHT, VELOCITY_HEIGHT } from "./geometry.js";

export const AI_COLOUR = "#7a5af8";
const GRID = { bar: "#8f99ad", beat: "#cdd3df", step: "#e7eaf1" };
const ROW = { inKey: "#fbfcfe", outOfKey: "#e9ecf2", tonic: "#f1f4ff", octave: "#d5dae4", hover: "rgba(52,81,199,0.10)" };

/** Draw the whole roll of `roll` (a PianoRoll) into the 2D context `g`. */
export function draw(g, roll, width, height) {
  const bottom = noteAreaBottom(height);
  g.clearRect(0, 0, width, height);
  paintRows(g, roll, width, bottom);
  paintGrid(g, roll, width, bottom);
  paintBars(g, roll, bottom);
  g.save();
  g.beginPath();
  g.rect(KEYS_WIDTH, RULER_HEIGHT, width - KEYS_WIDTH, bottom - RULER_HEIGHT);
  g.clip();
  for (const note of roll.visibleNotes()) paintNote(g, roll, displayed(roll, note));
  if (roll.ghosts) for (const note of roll.ghosts.notes) paintGhost(g, roll, note);
  if (roll.preview) paintNote(g, roll, roll.preview);
  paintCaret(g, roll);
  paintRemote(g, roll, bottom);
  if (roll.box) paintBox(g, roll.box);
  g.restore();
  paintRuler(g, roll, width);
  paintKeys(g, roll, bottom);
  paintVelocity(g, roll, width, bottom);
  paintOverview(g, roll, width, height);
}

/** The y where the note area ends (the velocity lane and the overview strip lie below). */
export const noteAreaBottom = (height) => height - VELOCITY_HEIGHT - OVERVIEW_HEIGHT;

function displayed(roll, note) {
  const m = roll.moving;
  if (m?.ids?.has(note.id)) return { ...note, start: note.start + m.delta.tick, pitch: note.pitch + m.delta.pitch };
  if (m?.resize === note.id) return { ...note, duration: m.duration };
  return note;
}

/** A note's colour: its track's colour, or its author's (AI notes are always the AI's colour by author). */
export function noteColour(roll, note) {
  if (roll.colourBy === "track") return roll.trackColours[note.track] ?? "#4363d8";
  if (note.author?.kind === "model") return AI_COLOUR;
  return roll.colours[note.author?.id] ?? "#4363d8";
}

function paintRows(g, roll, width, bottom) {
  const geo = roll.geometry;
  for (let pitch = geo.topPitch; geo.y(pitch) < bottom && pitch >= 0; pitch--) {
    const pc = ((pitch % 12) + 12) % 12;
    g.fillStyle = pc === roll.tonic ? ROW.tonic : roll.scale.has(pc) ? ROW.inKey : ROW.outOfKey;
    g.fillRect(KEYS_WIDTH, geo.y(pitch), width - KEYS_WIDTH, geo.rowHeight);
    if (pitch === roll.hoverPitch) {
      g.fillStyle = ROW.hover;
      g.fillRect(KEYS_WIDTH, geo.y(pitch), width - KEYS_WIDTH, geo.rowHeight);
    }
    if (pc === 0) {
      g.fillStyle = ROW.octave;
      g.fillRect(KEYS_WIDTH, geo.y(pitch) + geo.rowHeight - 1, width - KEYS_WIDTH, 1);
    }
  }
}

function paintGrid(g, roll, width, bottom) {
  const geo = roll.geometry;
  const bar = roll.barTicks();
  const beat = 1920 / roll.state.piece.time_signature[1];
  const step = roll.grid * geo.pixelsPerTick >= 6 ? roll.grid : beat * geo.pixelsPerTick >= 6 ? beat : bar;
  const end = roll.state.piece.bars * bar;
  for (let t = Math.floor(geo.scrollTick / step) * step; geo.x(t) < width; t += step) {
    if (t > end) break;
    g.fillStyle = t % bar === 0 ? GRID.bar : t % beat === 0 ? GRID.beat : GRID.step;
    g.fillRect(Math.round(geo.x(t)), RULER_HEIGHT, 1, bottom - RULER_HEIGHT);
  }
  g.fillStyle = "rgba(29,35,48,0.08)";
  g.fillRect(Math.max(KEYS_WIDTH, geo.x(end)), RULER_HEIGHT, width, bottom - RULER_HEIGHT); // past the end
}

function paintBars(g, roll, bottom) {
  if (!roll.bars) return;
  const geo = roll.geometry;
  const bar = roll.barTicks();
  g.fillStyle = "rgba(52,81,199,0.08)";
  g.fillRect(geo.x(roll.bars[0] * bar), RULER_HEIGHT, (roll.bars[1] - roll.bars[0]) * bar * geo.pixelsPerTick,
    bottom - RULER_HEIGHT);
}

let hatch = null;
function hatchPattern(g) {
  if (hatch) return hatch;
  const tile = new OffscreenCanvas(6, 6);
  const t = tile.getContext("2d");
  t.strokeStyle = "rgba(255,255,255,0.6)";
  t.lineWidth = 1.5;
  t.beginPath(); t.moveTo(0, 6); t.lineTo(6, 0); t.stroke();
  hatch = g.createPattern(tile, "repeat");
  return hatch;
}

function paintNote(g, roll, note) {
  const r = roll.geometry.noteRect(note);
  // One pixel short of its length and outlined, so four repeated quarters never read as one whole note.
  const box = { x: r.x + 0.5, y: r.y + 1.5, w: Math.max(1, r.w - 1.5), h: Math.max(1, r.h - 3) };
  const replaced = roll.ghosts && roll.ghosts.tracks?.includes(note.track)
    && note.start >= roll.ghosts.bars[0] * roll.barTicks() && note.start < roll.ghosts.bars[1] * roll.barTicks();
  const dim = replaced || (roll.activeTrack && note.track !== roll.activeTrack);
  g.globalAlpha = dim ? 0.4 : 0.6 + 0.4 * (note.velocity / 127);
  g.fillStyle = noteColour(roll, note);
  g.fillRect(box.x, box.y, box.w, box.h);
  if (note.author?.kind === "model") { // AI notes are hatched in both colourings
    g.fillStyle = hatchPattern(g);
    g.fillRect(box.x, box.y, box.w, box.h);
  }
  g.globalAlpha = dim ? 0.55 : 1;
  g.strokeStyle = note.author?.kind === "model" && note.human_edited ? (roll.colours[note.last_editor?.id] ?? "#1d2330")
    : "rgba(20,24,35,0.75)";
  g.lineWidth = note.author?.kind === "model" && note.human_edited ? 2 : 1;
  g.strokeRect(box.x, box.y, box.w, box.h);
  g.globalAlpha = 1;
  if (roll.selection.has(note.id)) {
    g.strokeStyle = "#f5a524";
    g.lineWidth = 2.5;
    g.strokeRect(box.x - 1, box.y - 1, box.w + 2, box.h + 2);
  }
  if (roll.locked.has(note.track)) {
    g.fillStyle = "rgba(255,255,255,0.35)";
    g.fillRect(box.x, box.y, box.w, box.h);
  }
  if (r.h >= 11 && r.w >= 26 && roll.showNames) { // pitch names inside notes once they are big enough
    g.fillStyle = "#fff";
    g.font = `${Math.min(11, r.h - 3)}px system-ui, sans-serif`;
    g.fillText(noteName(note.pitch), box.x + 3, box.y + box.h - 2);
  }
}

function paintGhost(g, roll, note) {
  const r = roll.geometry.noteRect(note);
  g.fillStyle = roll.ghosts.stale ? "rgba(150,150,150,0.25)" : "rgba(105,65,198,0.28)";
  g.fillRect(r.x, r.y + 1, r.w, r.h - 2);
  g.setLineDash([4, 3]);
  g.strokeStyle = roll.ghosts.stale ? "#888" : AI_COLOUR;
  g.lineWidth = 1.5;
  g.strokeRect(r.x + 0.5, r.y + 1.5, r.w - 1.5, r.h - 3);
  g.setLineDash([]);
}

function paintCaret(g, roll) {
  if (!roll.caret || !roll.focused) return;
  const geo = roll.geometry;
  g.strokeStyle = "#f5a524";
  g.lineWidth = 2;
  g.strokeRect(geo.x(roll.caret.tick) + 1, geo.y(roll.caret.pitch) + 1, Math.max(6, roll.grid * geo.pixelsPerTick) - 2,
    geo.rowHeight - 2);
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
  g.fillStyle = "rgba(52,81,199,0.12)";
  g.strokeStyle = "#3451c7";
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
  const every = Math.max(1, Math.ceil(28 / (bar * geo.pixelsPerTick))); // numbers never overlap
  for (let b = Math.floor(geo.scrollTick / bar); geo.x(b * bar) < width && b < roll.state.piece.bars; b++) {
    const x = geo.x(b * bar);
    if (x >= KEYS_WIDTH && b % every === 0) g.fillText(String(b + 1), x + 3, 16);
  }
  if (roll.bars) {
    g.fillStyle = "rgba(52,81,199,0.55)";
    g.fillRect(geo.x(roll.bars[0] * bar), RULER_HEIGHT - 5, (roll.bars[1] - roll.bars[0]) * bar * geo.pixelsPerTick, 5);
  }
  g.fillStyle = "#fff";
  g.fillRect(0, 0, KEYS_WIDTH, RULER_HEIGHT);
  g.fillStyle = "#596579";
  g.font = "10px system-ui, sans-serif";
  g.fillText("bars", 8, 16);
  g.fillStyle = "#d9dee8";
  g.fillRect(0, RULER_HEIGHT - 1, width, 1);
}

function paintKeys(g, roll, bottom) {
  const geo = roll.geometry;
  g.fillStyle = "#fff";
  g.fillRect(0, RULER_HEIGHT, KEYS_WIDTH, bottom - RULER_HEIGHT);
  g.font = `${Math.min(10, Math.max(8, geo.rowHeight - 2))}px system-ui, sans-serif`;
  for (let pitch = geo.topPitch; geo.y(pitch) < bottom && pitch >= 0; pitch--) {
    const y = geo.y(pitch);
    if (isBlackKey(pitch)) { g.fillStyle = "#2b303b"; g.fillRect(0, y, KEYS_WIDTH * 0.45, geo.rowHeight); }
    const hovered = pitch === roll.hoverPitch;
    if (hovered) { g.fillStyle = "rgba(245,165,36,0.45)"; g.fillRect(0, y, KEYS_WIDTH, geo.rowHeight); }
    if (hovered || pitch % 12 === 0 || geo.rowHeight >= 16) {
      g.fillStyle = hovered ? "#1d2330" : "#596579";
      g.textAlign = "right";
      g.fillText(noteName(pitch), KEYS_WIDTH - 4, y + geo.rowHeight - Math.max(1, (geo.rowHeight - 9) / 2));
      g.textAlign = "left";
    }
  }
  g.fillStyle = "#d9dee8";
  g.fillRect(KEYS_WIDTH - 1, RULER_HEIGHT, 1, bottom - RULER_HEIGHT);
}

function paintVelocity(g, roll, width, bottom) {
  const top = bottom;
  g.fillStyle = "#fff";
  g.fillRect(0, top, width, VELOCITY_HEIGHT);
  g.fillStyle = "#d9dee8";
  g.fillRect(0, top, width, 1);
  g.fillStyle = "#596579";
  g.font = "10px system-ui, sans-serif";
  g.fillText("velocity", 6, top + 14);
  for (const note of roll.visibleNotes()) {
    if (roll.activeTrack && note.track !== roll.activeTrack) continue;
    const x = roll.geometry.x(note.start);
    if (x < KEYS_WIDTH || x > width) continue;
    const h = (note.velocity / 127) * (VELOCITY_HEIGHT - 8);
    g.fillStyle = noteColour(roll, note);
    g.fillRect(x, top + VELOCITY_HEIGHT - h, 3, h);
  }
}
