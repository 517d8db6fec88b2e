// The overview strip under the roll: the whole piece in miniature (time across, pitch up), with the
// part in view framed. Pointer or arrow keys move the view; it is how people find their way in a long
// piece without scrollbars.
import { KEYS_WIDTH, OVERVIEW_HEIGHT } from "./geometry.js";

const LOW = 21;  // A0 to C8: the piano's range spans the strip's height
const HIGH = 108;

/** Where the strip lies on the canvas and how piece ticks and pitches map onto it. */
export function overviewFrame(roll, width, height) {
  const top = height - OVERVIEW_HEIGHT;
  const total = Math.max(1, roll.state.piece.bars * roll.barTicks());
  const left = KEYS_WIDTH;
  const span = Math.max(1, width - KEYS_WIDTH - 4);
  return {
    top, left, span, total,
    x: (tick) => left + (tick / total) * span,
    tick: (x) => ((x - left) / span) * total,
    y: (pitch) => top + 3 + ((HIGH - pitch) / (HIGH - LOW)) * (OVERVIEW_HEIGHT - 6),
    pitch: (y) => HIGH - ((y - top - 3) / (OVERVIEW_HEIGHT - 6)) * (HIGH - LOW),
  };
}

export function paintOverview(g, roll, width, height) {
  const f = overviewFrame(roll, width, height);
  const geo = roll.geometry;
  g.fillStyle = "#f3f5f9";
  g.fillRect(0, f.top, width, OVERVIEW_HEIGHT);
  g.fillStyle = "#d9dee8";
  g.fillRect(0, f.top, width, 1);
  g.fillStyle = "#596579";
  g.font = "10px system-ui, sans-serif";
  g.fillText("overview", 6, f.top + 20);
  for (const note of Object.values(roll.state.notes)) {
    g.fillStyle = roll.trackColours[note.track] ?? "#4363d8";
    g.fillRect(f.x(note.start), f.y(note.pitch) - 1, Math.max(1, (note.duration / f.total) * f.span), 2);
  }
  const noteArea = { width: width - KEYS_WIDTH, rows: roll.visibleRows() };
  const x0 = f.x(geo.scrollTick);
  const x1 = f.x(geo.scrollTick + noteArea.width / geo.pixelsPerTick);
  const y0 = f.y(geo.topPitch + 0.5);
  const y1 = f.y(geo.topPitch - noteArea.rows + 0.5);
  g.strokeStyle = roll.overviewFocused ? "#f5a524" : "#3451c7";
  g.lineWidth = 2;
  g.strokeRect(Math.max(f.left, x0), Math.max(f.top + 1, y0), Math.min(f.left + f.span, x1) - Math.max(f.left, x0),
    Math.min(f.top + OVERVIEW_HEIGHT - 1, y1) - Math.max(f.top + 1, y0));
  if (roll.playhead != null) {
    g.fillStyle = "#e5484d";
    g.fillRect(f.x(roll.playhead), f.top + 1, 1.5, OVERVIEW_HEIGHT - 1);
  }
}
