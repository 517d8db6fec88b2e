// The track list: pick the track you draw on, tick the tracks the AI writes, mute/solo, and open a
// track's details (name, instrument, colour, volume, pan, who it is assigned to, order, delete).
// Every change is an op through studio.edit, so it is shared, attributed and undoable. Rows are kept
// by track id and updated in place, so a slider being dragged or a name being typed is never redrawn
// under the person's hands.
import { instrumentGroups, trackSound } from "../shared/gm.js";
import { escapeHtml } from "../shared/html.js";

const INSTRUMENT_OPTIONS = instrumentGroups().map((g) => `<optgroup label="${escapeHtml(g.family)}">${
  g.options.map((o) => `<option value="${o.value}">${escapeHtml(o.label)}</option>`).join("")}</optgroup>`).join("");

export class TracksPanel {
  /** @param {{onChange: Function, edit: Function, say: Function, canEdit: Function}} studio */
  constructor(studio) {
    this.studio = studio;
    this.list = document.getElementById("track-list");
    this.status = document.getElementById("tracks-status");
    this.active = null;
    this.forAi = new Set();
    this.aiCustomised = false;  // until the person ticks a box, the AI's tracks follow the operation
    this.muted = new Set();
    this.solo = new Set();
    this.open = null;            // the track whose details are shown
    this.rows = new Map();       // track id -> <li>
    this.list.addEventListener("click", (event) => this.onClick(event));
    this.list.addEventListener("change", (event) => this.onFieldChange(event));
    this.list.addEventListener("dblclick", (event) => {
      if (event.target.closest("[data-select]")) this.toggleDetails(event.target.closest("li").dataset.track, "name");
    });
  }

  /** Redraw for this state; `locked` are the tracks you may not edit, `operation` the AI's. */
  render(state, { members, locked, isOwner, operation }) {
    this.state = state;
    this.locked = locked;
    const tracks = state.tracks;
    // Draw on a track you may edit: a track that is gone or got locked (own tracks only) hands over.
    const usable = tracks.find((t) => !locked.has(t.id));
    if (!tracks.some((t) => t.id === this.active) || (locked.has(this.active) && usable)) {
      this.active = (usable ?? tracks[0])?.id ?? null;
    }
    for (const id of [...this.forAi]) if (!tracks.some((t) => t.id === id)) this.forAi.delete(id);
    this.aiTracks(operation);
    for (const [id, li] of this.rows) if (!tracks.some((t) => t.id === id)) { li.remove(); this.rows.delete(id); }
    tracks.forEach((track, index) => {
      let li = this.rows.get(track.id);
      if (!li) { li = this.makeRow(track); this.rows.set(track.id, li); }
      if (this.list.children[index] !== li) this.list.insertBefore(li, this.list.children[index] ?? null);
      this.updateRow(li, track, index, tracks.length, { members, locked, isOwner });
    });
  }

  makeRow(track) {
    const li = document.createElement("li");
    li.dataset.track = track.id;
    li.innerHTML = `<div class="row">
        <input type="checkbox" data-ai>
        <span class="swatch" aria-hidden="true"></span>
        <button type="button" class="name" data-select></button><span class="lock" hidden>locked</span>
        <span class="toggles"><button type="button" data-mute>M</button><button type="button" data-solo>S</button><button
          type="button" data-edit>⋯</button></span></div>
      <span class="instrument"></span>
      <div class="details" hidden>
        <label for="tn-${track.id}">Name</label><input id="tn-${track.id}" data-field="name" maxlength="80">
        <label for="ti-${track.id}">Sound</label><select id="ti-${track.id}" data-field="program"></select>
        <label for="tc-${track.id}">Colour</label><input id="tc-${track.id}" type="color" data-field="colour">
        <label for="tv-${track.id}">Volume</label><input id="tv-${track.id}" type="range" min="0" max="127" data-field="volume">
        <label for="tp-${track.id}">Pan</label><input id="tp-${track.id}" type="range" min="0" max="127" data-field="pan">
        <label for="to-${track.id}">Assigned to</label><select id="to-${track.id}" data-field="owner"></select>
        <div class="buttons"><button type="button" class="secondary small" data-move="-1">↑ Up</button>
          <button type="button" class="secondary small" data-move="1">↓ Down</button>
          <button type="button" class="danger small" data-delete>Delete</button></div>
      </div>`;
    return li;
  }

  updateRow(li, track, index, count, { members, locked, isOwner }) {
    const $ = (selector) => li.querySelector(selector);
    const name = track.name;
    const owner = track.owner ? members.find((m) => m.id === track.owner) : null;
    const isLocked = locked.has(track.id);
    li.className = [track.id === this.active && "active", isLocked && "locked"].filter(Boolean).join(" ");
    $("[data-select]").textContent = name;
    $("[data-select]").setAttribute("aria-pressed", String(track.id === this.active));
    $("[data-select]").title = `Draw on ${name}`;
    $(".lock").hidden = !isLocked;
    $(".swatch").style.background = track.colour ?? "#c7cdd9";
    $("[data-ai]").checked = this.forAi.has(track.id);
    $("[data-ai]").setAttribute("aria-label", `The AI writes ${name}`);
    $("[data-ai]").title = "The AI writes this track";
    for (const [attr, set, label] of [["data-mute", this.muted, "Mute"], ["data-solo", this.solo, "Solo"]]) {
      $(`[${attr}]`).setAttribute("aria-pressed", String(set.has(track.id)));
      $(`[${attr}]`).setAttribute("aria-label", `${label} ${name}`);
      $(`[${attr}]`).title = label;
    }
    $("[data-edit]").setAttribute("aria-expanded", String(this.open === track.id));
    $("[data-edit]").setAttribute("aria-label", `Details of ${name}`);
    for (const [field, words] of [["name", "name"], ["program", "sound"], ["colour", "colour"], ["volume", "volume"],
      ["pan", "pan"], ["owner", "assigned to"]]) {
      $(`[data-field=${field}]`).setAttribute("aria-label", `${name}: ${words}`);
    }
    $(".instrument").textContent = [trackSound(track), owner && `for ${owner.name}`].filter(Boolean).join(" · ");
    const details = $(".details");
    details.hidden = this.open !== track.id;
    if (details.hidden) return;
    const editable = this.studio.canEdit() && !isLocked;
    const program = $("[data-field=program]");
    if (!program.options.length) program.innerHTML = INSTRUMENT_OPTIONS; // filled when first opened
    this.setField($("[data-field=name]"), name, editable);
    this.setField($("[data-field=program]"), String(track.program), editable && track.channel !== 9);
    this.setField($("[data-field=colour]"), track.colour ?? "#c7cdd9", editable);
    this.setField($("[data-field=volume]"), String(track.volume ?? 100), editable);
    this.setField($("[data-field=pan]"), String(track.pan ?? 64), editable);
    const ownerSelect = $("[data-field=owner]");
    const options = `<option value="">nobody</option>${members.map((m) =>
      `<option value="${m.id}">${escapeHtml(m.name)}</option>`).join("")}`;
    if (ownerSelect.optionsHtml !== options) { ownerSelect.innerHTML = options; ownerSelect.optionsHtml = options; }
    this.setField(ownerSelect, String(track.owner ?? ""), isOwner);
    $("[data-move='-1']").disabled = !editable || index === 0;
    $("[data-move='1']").disabled = !editable || index === count - 1;
    $("[data-delete]").disabled = !editable;
  }

  /** Show a value unless the person is working in that field right now. */
  setField(input, value, enabled) {
    input.disabled = !enabled;
    if (document.activeElement !== input && input.value !== value) input.value = value;
  }

  onClick(event) {
    const li = event.target.closest("li[data-track]");
    if (!li) return;
    const id = li.dataset.track;
    const button = event.target.closest("button");
    if (event.target.matches("[data-ai]")) {
      this.aiCustomised = true;
      event.target.checked ? this.forAi.add(id) : this.forAi.delete(id);
    } else if (button?.matches("[data-mute]")) {
      this.muted.has(id) ? this.muted.delete(id) : this.muted.add(id);
    } else if (button?.matches("[data-solo]")) {
      this.solo.has(id) ? this.solo.delete(id) : this.solo.add(id);
    } else if (button?.matches("[data-edit]")) {
      return this.toggleDetails(id);
    } else if (button?.matches("[data-move]")) {
      return this.move(id, Number(button.dataset.move));
    } else if (button?.matches("[data-delete]")) {
      return this.remove(id);
    } else if (button?.matches("[data-select]")) {
      this.active = id;
    } else {
      return;
    }
    this.studio.onChange();
  }

  toggleDetails(id, focus) {
    this.open = this.open === id ? null : id;
    this.studio.onChange();
    if (focus && this.open) this.rows.get(id)?.querySelector(`[data-field=${focus}]`)?.focus();
  }

  onFieldChange(event) {
    const field = event.target.dataset.field;
    const id = event.target.closest("li[data-track]")?.dataset.track;
    if (!field || !id) return;
    const raw = event.target.value;
    const value = field === "name" ? raw.trim() : field === "colour" ? raw.toLowerCase()
      : field === "owner" ? (raw ? Number(raw) : null) : Number(raw);
    if (field === "name" && !value) { event.target.value = this.track(id).name; return; }
    this.studio.edit([{ op: "track.update", id, [field]: value }], { status: this.status,
      done: `${this.track(id).name}: ${field === "program" ? "instrument" : field} changed` });
  }

  move(id, step) {
    const index = this.state.tracks.findIndex((t) => t.id === id);
    this.studio.edit([{ op: "track.move", id, index: index + step }], { status: this.status });
  }

  remove(id) {
    const name = this.track(id).name;
    this.open = null;
    this.studio.edit([{ op: "track.delete", id }], { status: this.status,
      done: `Deleted ${name} and its notes. Undo (Ctrl+Z) brings them back.` });
  }

  track(id) { return this.state.tracks.find((t) => t.id === id); }

  /**
   * The tracks the AI writes: the ticked ones, or (until someone ticks) what suits the operation: for
   * harmonize, the other tracks you may edit (your own voice alone when "own tracks only" leaves you one),
   * otherwise the track you draw on. Drum tracks are never the AI's.
   */
  aiTracks(operation) {
    if (!this.aiCustomised) {
      const mine = this.state?.tracks.filter((t) => t.channel !== 9 && !this.locked?.has(t.id)) ?? [];
      const others = mine.filter((t) => t.id !== this.active).map((t) => t.id);
      this.forAi = new Set(operation === "harmonize" && others.length ? others : [this.active].filter(Boolean));
    }
    return [...this.forAi];
  }

  /** Light a track's swatch while its notes sound (playback shows which tracks are heard). */
  sounding(trackId) {
    const swatch = this.rows.get(trackId)?.querySelector(".swatch");
    if (!swatch) return;
    swatch.classList.add("sounding");
    clearTimeout(swatch.fade);
    swatch.fade = setTimeout(() => swatch.classList.remove("sounding"), 160);
  }

  /** Whether a track is heard, after mute and solo. */
  audible(trackId) {
    if (this.solo.size) return this.solo.has(trackId);
    return !this.muted.has(trackId);
  }
}
