// Who is here and who wrote what: the presence bar and the note hover card.

import { noteName } from "../roll/geometry.js";
import { escapeHtml } from "../shared/html.js";

/** The presence bar: everyone connected (and me), then what the AI is writing right now. */
export function renderPresence(element, { members, present, me, jobs }) {
  const chips = members.filter((m) => present.has(m.id) || m.id === me).map((m) =>
    `<span class="chip" style="--chip:${m.colour}" title="${m.role}">${escapeHtml(m.name)}</span>`);
  for (const job of jobs) chips.push(`<span class="chip ai">${escapeHtml(job.description)}</span>`);
  element.innerHTML = chips.join("");
}

/**
 * The hover card of a note: its pitch (and track), author, model, job and candidate, who accepted it,
 * who edited it. A null note hides the card.
 */
export function showNoteCard(card, note, x, y, members, trackName = () => "") {
  card.dataset.note = note?.id ?? "";
  if (!note) { card.hidden = true; return; }
  const name = (who) => (who?.kind === "model" ? `AI (${who.name})`
    : members.find((m) => m.id === who?.id)?.name ?? "someone");
  card.innerHTML = [`<strong>${noteName(note.pitch)}</strong> ${escapeHtml(trackName(note.track))}`,
    `by ${escapeHtml(name(note.author))}`,
    note.job ? `job ${note.job}, candidate ${note.candidate + 1}` : "",
    note.accepted_by ? `accepted by ${escapeHtml(name(note.accepted_by))}` : "",
    note.human_edited ? `edited by ${escapeHtml(name(note.last_editor))}` : ""].filter(Boolean).join("<br>");
  Object.assign(card.style, { left: `${x + 14}px`, top: `${y + 14}px` });
  card.hidden = false;
}
