// Drawing the page around the roll from the room's state: the piece's title and settings, the counters,
// undo buttons, who is here, the AI's region in words, the roll's accessible name and a sentence for the
// selection, and the note hover card (gone as soon as its note is).
import { barTicks } from "../core/ticks.js";
import { renderPresence, showNoteCard } from "./people.js";

const $ = (id) => document.getElementById(id);
let hovered = null; // the hover card's {note id, x, y}

const barsText = ([from, to]) => (to - from === 1 ? `bar ${to}` : `bars ${from + 1}–${to}`);

export const renderView = {
  page(studio, { roll, undo, region, aiOperation }) {
    const state = studio.room.view;
    const piece = state.piece;
    $("piece-title").textContent = piece.title;
    document.title = `${piece.title} · Co-composition studio`;
    $("piece-meta").textContent = `${piece.time_signature.join("/")} · ${piece.key} · ♩ = ${piece.tempo} · ${piece.bars} bars`;
    $("seq").textContent = studio.room.seq;
    $("note-count").textContent = Object.keys(state.notes).length;
    $("my-role").textContent = studio.role;
    $("undo").disabled = !undo.canUndo;
    $("redo").disabled = !undo.canRedo;
    renderPresence($("presence"), { members: studio.members, present: studio.present, me: studio.me,
      jobs: studio.jobsRunning.values() });
    const names = (ids) => ids.map(studio.trackName).join(", ");
    $("ai-region").textContent = region?.tracks.length
      ? (aiOperation === "chords" ? `Suggest chords for ${barsText(region.bars)} of ${names(region.tracks)}'s melody.`
        : `${aiOperation === "harmonize" ? "Harmonize" : "Write"} ${barsText(region.bars)} of ${names(region.tracks)}.`)
      : "Select bars on the ruler and tick the tracks the AI writes.";
    const active = state.tracks.find((t) => t.id === roll.activeTrack);
    roll.label = `Piano roll of ${piece.title}: ${Object.keys(state.notes).length} notes in ${piece.bars} bars`
      + (active ? `, drawing on ${active.name}` : "");
    $("selection-text").textContent = selectionText(state, roll.selection, studio.trackName);
    showCard(studio);
  },

  /** The roll's hover news: show the note's card, or hide it (pointer gone, a gesture started). */
  card(studio, detail) {
    hovered = detail?.note ? { id: detail.note.id, x: detail.x, y: detail.y } : null;
    showCard(studio);
  },
};

/** Draw the card of the hovered note, as it is now; it disappears with its note (deleted by anyone). */
function showCard(studio) {
  const note = hovered && studio.room.view.notes[hovered.id];
  if (hovered && !note) hovered = null;
  showNoteCard($("note-card"), note ?? null, hovered?.x, hovered?.y, studio.members, studio.trackName);
}

/** "3 notes selected, bars 2–3, Alto" (or "" when nothing is selected). */
export function selectionText(state, selection, trackName) {
  const notes = [...selection].map((id) => state.notes[id]).filter(Boolean);
  if (!notes.length) return "";
  const bar = barTicks(state.piece.time_signature);
  const first = Math.floor(Math.min(...notes.map((n) => n.start)) / bar);
  const last = Math.floor(Math.max(...notes.map((n) => n.start)) / bar) + 1;
  const tracks = [...new Set(notes.map((n) => n.track))].map(trackName).join(", ");
  return `${notes.length} note${notes.length === 1 ? "" : "s"} selected, ${barsText([first, last])}, ${tracks}`;
}
