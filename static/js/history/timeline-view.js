// The timeline on the page: the filter boxes (who, what) and the list of entries, coloured by actor.
// Clicking an entry asks to scrub to its seq; proposals carry a "Regenerate exactly" button.
import { escapeHtml } from "../shared/html.js";
import { counts, entryDetails, filterEntries, KIND_LABELS, kindsToOffer, position } from "./timeline.js";

export class TimelineView {
  /**
   * @param {{list: HTMLElement, actorFilter: HTMLElement, kindFilter: HTMLElement, count: HTMLElement}} elements
   * @param {{onJump: (entry: object) => void, onReproduce: (entry: object, button: HTMLElement, verdict: HTMLElement) => void}} handlers
   */
  constructor(elements, handlers) {
    Object.assign(this, elements, handlers);
    this.entries = [];
    this.byId = new Map();
    this.hiddenActors = new Set();
    this.hiddenKinds = new Set();
    this.seq = 0;
    this.list.addEventListener("click", (event) => this.onClick(event));
    for (const [box, hidden] of [[this.actorFilter, this.hiddenActors], [this.kindFilter, this.hiddenKinds]]) {
      box.addEventListener("change", (event) => {
        const input = event.target.closest("input[type=checkbox]");
        if (!input) return;
        input.checked ? hidden.delete(input.value) : hidden.add(input.value);
        this.renderList();
      });
      box.addEventListener("click", (event) => { // "all" / "none" next to the legend
        const button = event.target.closest("button[data-all]");
        if (!button) return;
        const show = button.dataset.all === "true";
        for (const input of box.querySelectorAll("input[type=checkbox]")) {
          input.checked = show;
          show ? hidden.delete(input.value) : hidden.add(input.value);
        }
        this.renderList();
      });
    }
  }

  /** Show a history (the history API's answer); `actors` is an actorIndex over its actors. */
  show(history, actors) {
    this.actors = actors;
    this.entries = history.entries;
    this.byId = new Map(this.entries.map((e) => [e.id, e]));
    const { actors: perActor, kinds: perKind } = counts(this.entries);
    this.actorFilter.querySelectorAll("label").forEach((l) => l.remove());
    for (const actor of actors.all) {
      this.actorFilter.append(checkbox(actor.key, actor.name, perActor[actor.key] ?? 0, actor.colour));
    }
    this.kindFilter.querySelectorAll("label").forEach((l) => l.remove());
    for (const kind of kindsToOffer(this.entries)) {
      this.kindFilter.append(checkbox(kind, KIND_LABELS[kind] ?? kind, perKind[kind] ?? 0));
    }
    this.renderList();
  }

  renderList() {
    const shown = filterEntries(this.entries, { hiddenActors: this.hiddenActors, hiddenKinds: this.hiddenKinds });
    this.list.innerHTML = shown.map((e) => this.entryHtml(e)).join("");
    this.count.textContent = `${shown.length} of ${this.entries.length} entries`;
    this.mark(this.seq);
  }

  entryHtml(entry) {
    const actor = this.actors.get(entry.actor);
    const time = entry.at ? new Date(entry.at) : null;
    const details = entryDetails(entry);
    const reproducible = entry.kind === "proposal" && Number.isInteger(entry.job_id);
    return `<li class="entry kind-${escapeHtml(entry.kind)}" data-id="${escapeHtml(entry.id)}" data-seq="${entry.seq}"
        data-kind="${escapeHtml(entry.kind)}" data-actor="${escapeHtml(entry.actor)}" style="--actor:${actor.colour}">
      <button type="button" class="jump" title="Show the piece at edit ${entry.seq}">
        <span class="seq">#${entry.seq}</span><span class="who">${escapeHtml(actor.name)}</span>
        <span class="tag">${escapeHtml(KIND_LABELS[entry.kind] ?? entry.kind)}</span>
        <span class="summary">${escapeHtml(entry.summary ?? "")}</span>
        ${time && !Number.isNaN(time.getTime()) ? `<time datetime="${escapeHtml(entry.at)}">${time.toLocaleTimeString()}</time>` : ""}
      </button>
      ${details ? `<div class="details">${escapeHtml(details)}</div>` : ""}
      ${reproducible ? `<div class="reproduce"><button type="button" class="secondary" data-reproduce>Regenerate exactly</button>
        <span class="verdict" role="status"></span></div>` : ""}
    </li>`;
  }

  /** Mark which entries the piece at `seq` includes, and the one the scrubber sits on. */
  mark(seq) {
    this.seq = seq;
    let current = null;
    for (const li of this.list.children) {
      const entrySeq = Number(li.dataset.seq);
      li.classList.toggle("future", position({ seq: entrySeq }, seq) === "future");
      li.classList.remove("current");
      if (entrySeq <= seq && (!current || entrySeq >= Number(current.dataset.seq))) current = li;
    }
    if (current) {
      current.classList.add("current");
      // Keep the entry the scrubber sits on in sight, scrolling the list only (never the page).
      const box = this.list.getBoundingClientRect();
      const at = current.getBoundingClientRect();
      if (at.top < box.top || at.bottom > box.bottom) this.list.scrollTop += at.top - box.top - box.height / 3;
    }
    return current;
  }

  onClick(event) {
    const li = event.target.closest("li.entry");
    const entry = li && this.byId.get(li.dataset.id);
    if (!entry) return;
    if (event.target.closest("[data-reproduce]")) {
      this.onReproduce(entry, event.target.closest("[data-reproduce]"), li.querySelector(".verdict"));
    } else if (event.target.closest("button.jump")) {
      this.onJump(entry);
    }
  }
}

function checkbox(value, text, count, colour) {
  const label = document.createElement("label");
  label.innerHTML = `<input type="checkbox" checked value="${escapeHtml(value)}">`
    + (colour ? `<span class="swatch" style="background:${colour}"></span>` : "")
    + `<span></span> <span class="hint">${count}</span>`;
  label.querySelector("span:not(.swatch):not(.hint)").textContent = text;
  return label;
}
