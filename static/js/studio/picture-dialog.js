// The Picture dialog: the piece's frame rate and start offset (timecode typed as people write it, read by the
// one parser in core/timecode.js), its cues (each row edits one cue through ops), cue sheets in and out, the
// tempo map (a change at a bar start, edited or removed) and the way out to video and sound. Every change is
// ops through studio.edit, so it is undoable and shared; a refusal is said next to the control that caused it.
import { cueAdd, cueDelete, cueUpdate, pieceUpdate, tempoDelete, tempoSet } from "../core/ops.js";
import { CUE_KINDS, mapOf, snapToFrame, tickToUs, usToTick } from "../core/picture.js";
import { position } from "../core/tempo-map.js";
import { formatUs, parseTime } from "../core/timecode.js";
import { escapeHtml } from "../shared/html.js";
import { uploadMusic } from "./files.js";
import { say } from "./status.js";

const $ = (id) => document.getElementById(id);

/**
 * @param {{pieceId: number, view: () => object, edit: Function, canEdit: () => boolean, playhead: () => number}} studio
 * @returns {{open: Function, openCue: Function, render: Function}}
 */
export function setupPictureDialog(studio) {
  const dialog = $("picture-dialog");
  const timecode = $("pic-timecode");
  const cueRows = $("pic-cues");
  const status = { timecode: $("pic-timecode-status"), cues: $("pic-cues-status"), tempo: $("pic-tempo-status") };

  function open() {
    const piece = studio.view().piece;
    timecode.elements.fps.value = piece.fps;
    timecode.elements.offset.value = formatUs(piece.start_offset_us, piece.fps);
    for (const input of dialog.querySelectorAll("form input, form select, tbody input, tbody select")) {
      if (!input.closest("#pic-fit-form")) input.disabled = !studio.canEdit();
    }
    render();
    if (!dialog.open) dialog.showModal();
  }

  /** Open on one cue's row (a click on its marker). */
  function openCue(cue) {
    open();
    const row = cueRows.querySelector(`tr[data-cue="${CSS.escape(cue.id)}"]`);
    row?.classList.add("picked");
    row?.querySelector("input")?.focus();
  }

  function render() {
    const state = studio.view();
    if (!state || !dialog.open) return;
    const { fps } = state.piece;
    const map = mapOf(state);
    // A list someone is typing in is left alone until they leave it (a remote edit would wipe what they type).
    const typing = (list) => list.contains(document.activeElement) && document.activeElement.matches("input");
    const cues = Object.values(state.cues).sort((a, b) => a.time_us - b.time_us || a.id.localeCompare(b.id));
    if (!typing(cueRows)) cueRows.innerHTML = cues.map((cue) => {
      const where = position(map, usToTick(state, cue.time_us, map));
      return `<tr data-cue="${escapeHtml(cue.id)}">
        <td><input name="time" value="${escapeHtml(formatUs(cue.time_us, fps))}" size="11" aria-label="Timecode of the cue"></td>
        <td><input name="label" value="${escapeHtml(cue.label)}" maxlength="80" size="16" aria-label="Label"></td>
        <td><select name="kind" aria-label="Kind">${CUE_KINDS.map((k) => `<option${k === cue.kind ? " selected" : ""}>${k}</option>`).join("")}</select></td>
        <td class="hint">${where.bar < 0 ? "before bar 1" : `${where.bar + 1} · ${where.beat + 1}`}</td>
        <td><button type="button" class="secondary small" data-delete aria-label="Delete this cue">✕</button></td></tr>`;
    }).join("") || `<tr><td colspan="5" class="hint">No cues yet: add one at the playhead, double-click the cue lane, or import a cue sheet.</td></tr>`;
    const disabled = studio.canEdit() ? "" : "disabled";
    const tempi = [{ bar: 0, tempo: state.piece.tempo }, ...state.tempo_changes].map((c) => `<li data-bar="${c.bar}">
      Bar ${c.bar + 1}: ♩ = <input type="number" min="20" max="400" value="${c.tempo}" aria-label="Tempo from bar ${c.bar + 1}" ${disabled}>
      ${c.bar ? `<button type="button" class="secondary small" data-remove aria-label="Remove the tempo change at bar ${c.bar + 1}" ${disabled}>✕</button>`
    : '<span class="hint">(the piece\'s tempo)</span>'}</li>`);
    if (!typing($("pic-tempi"))) $("pic-tempi").innerHTML = tempi.join("");
    $("pic-sheet-csv").href = `/api/pieces/${studio.pieceId}/cues/export/?format=csv`;
    $("pic-sheet-tsv").href = `/api/pieces/${studio.pieceId}/cues/export/?format=tsv`;
  }

  timecode.addEventListener("submit", (event) => {
    event.preventDefault();
    const piece = studio.view().piece;
    const fps = timecode.elements.fps.value;
    let offset;
    try {
      offset = parseTime(timecode.elements.offset.value, fps);
    } catch (error) {
      return say(status.timecode, `Not saved: ${error.message}.`, { error: true });
    }
    const changes = {};
    if (fps !== piece.fps) changes.fps = fps;
    if (offset !== piece.start_offset_us) changes.start_offset_us = offset;
    if (!Object.keys(changes).length) return say(status.timecode, "Nothing changed.");
    timecode.elements.offset.value = formatUs(offset, fps);
    return studio.edit([pieceUpdate(changes)], { status: status.timecode, done: "Saved." });
  });

  cueRows.addEventListener("change", (event) => {
    const row = event.target.closest("tr[data-cue]");
    const cue = row && studio.view().cues[row.dataset.cue];
    if (!cue) return;
    const { name, value } = event.target;
    if (name === "time") {
      try {
        const us = parseTime(value, studio.view().piece.fps);
        if (us !== cue.time_us) studio.edit([cueUpdate(cue.id, { time_us: us })], { status: status.cues });
      } catch (error) {
        say(status.cues, error.message, { error: true });
      }
    } else if (name === "label" && value.trim() !== cue.label) {
      studio.edit([cueUpdate(cue.id, { label: value.trim() })], { status: status.cues });
    } else if (name === "kind") {
      studio.edit([cueUpdate(cue.id, { kind: value })], { status: status.cues });
    }
  });
  cueRows.addEventListener("click", (event) => {
    const row = event.target.closest("tr[data-cue]");
    if (row && event.target.closest("[data-delete]")) studio.edit([cueDelete(row.dataset.cue)], { status: status.cues, done: "Cue deleted." });
  });
  $("pic-cue-add").addEventListener("click", () => {
    const state = studio.view();
    const us = snapToFrame(tickToUs(state, studio.playhead()), state.piece.fps);
    studio.edit([cueAdd({ time_us: us, kind: "hit", label: "" })], { status: status.cues, done: `Cue added at ${formatUs(us, state.piece.fps)}.` });
  });

  // Cue sheets: the server reads the sheet whole; a bad line refuses all of it, and every bad line is listed.
  const problems = $("pic-sheet-problems");
  $("pic-sheet-import").addEventListener("click", () => $("pic-sheet-file").click());
  $("pic-sheet-file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    event.target.value = "";
    if (!file) return;
    problems.hidden = true;
    say(status.cues, `Reading ${file.name}…`);
    try {
      const replace = $("pic-sheet-replace").checked;
      const reply = await uploadMusic(`/api/pieces/${studio.pieceId}/cues/import/`, file, { fields: { replace: String(replace) } });
      say(status.cues, `Imported ${reply.cues} cues from ${file.name}.`);
    } catch (error) {
      say(status.cues, error.message, { error: true });
      const lines = error.body?.error?.problems ?? [];
      problems.innerHTML = lines.map((p) => `<li>${p.line == null ? "" : `line ${p.line}: `}${escapeHtml(p.reason)}</li>`).join("");
      problems.hidden = !lines.length;
    }
  });

  // The tempo map: a change at a bar start (bar numbers as people count them, from 1).
  const tempoForm = $("pic-tempo-form");
  tempoForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const state = studio.view();
    const bar = Number(tempoForm.elements.bar.value) - 1;
    const tempo = Number(tempoForm.elements.tempo.value);
    if (!Number.isInteger(bar) || bar < 1 || bar >= state.piece.bars) {
      return say(status.tempo, `A change starts at bar 2 to ${state.piece.bars} (bar 1's tempo is the piece's).`, { error: true });
    }
    if (!Number.isInteger(tempo) || tempo < 20 || tempo > 400) return say(status.tempo, "A tempo is a whole number from 20 to 400.", { error: true });
    return studio.edit([tempoSet(bar, tempo)], { status: status.tempo, done: `♩ = ${tempo} from bar ${bar + 1}.` });
  });
  $("pic-tempi").addEventListener("change", (event) => {
    const bar = Number(event.target.closest("li[data-bar]")?.dataset.bar);
    const tempo = Number(event.target.value);
    if (!Number.isInteger(bar)) return undefined;
    if (!Number.isInteger(tempo) || tempo < 20 || tempo > 400) return say(status.tempo, "A tempo is a whole number from 20 to 400.", { error: true });
    return studio.edit([bar ? tempoSet(bar, tempo) : pieceUpdate({ tempo })], { status: status.tempo, done: `♩ = ${tempo} from bar ${bar + 1}.` });
  });
  $("pic-tempi").addEventListener("click", (event) => {
    const bar = Number(event.target.closest("li[data-bar]")?.dataset.bar);
    if (bar && event.target.closest("[data-remove]")) studio.edit([tempoDelete(bar)], { status: status.tempo, done: `Tempo change at bar ${bar + 1} removed.` });
  });

  /** Open on the tempo at a bar (a click on its flag in the lane). */
  function openTempo(bar) {
    open();
    $("pic-tempi").querySelector(`li[data-bar="${bar}"] input`)?.focus();
  }

  return { open, openCue, openTempo, render };
}
