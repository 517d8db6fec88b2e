// The AI panel: operation, region and controls from the engine's capabilities(); then the
// proposals: switch between candidates (shown as ghost notes), hear one, accept, reject, regenerate.
import { newId } from "../core/ops.js";

export class AiPanel {
  /**
   * @param {{send: Function, region: () => ({tracks: string[], bars: number[]}|null), showGhosts: Function,
   *          hear: Function, names: () => object}} studio
   */
  constructor(studio) {
    this.studio = studio;
    this.el = (id) => document.getElementById(id);
    this.proposals = new Map();  // job_id -> proposal message
    this.jobs = new Map();       // job_id -> latest job message
    this.current = null;         // {jobId, index}
    this.auditioned = new Map(); // job_id -> Set of candidate indexes heard or shown
    this.el("ai-ask").addEventListener("click", () => this.ask());
    this.loadControls();
  }

  async loadControls() {
    const response = await fetch("/api/engine/", { credentials: "same-origin" });
    if (!response.ok) return this.status("The AI is not available right now.");
    const { capabilities } = await response.json();
    this.capabilities = capabilities;
    const box = this.el("ai-controls");
    box.innerHTML = "";
    for (const [name, spec] of Object.entries(capabilities.controls)) {
      if (spec.type === "float") box.append(this.slider(name, spec));
      if (spec.type === "bool") box.append(this.checkbox(name, spec));
    }
    this.el("ai-candidates").max = capabilities.limits.max_candidates;
    this.status(`${capabilities.name} ${capabilities.version}`);
  }

  slider(name, spec) {
    const ends = { temperature: ["conventional", "surprising"], note_density: ["sparser", "busier"],
      top_p: ["focused", "open"], keep_close: ["free", "close to the original"] }[name] ?? [spec.min, spec.max];
    const div = document.createElement("div");
    div.className = "control";
    div.title = spec.help ?? "";
    div.innerHTML = `<label>${spec.label} <input type="range" data-control="${name}" min="${spec.min}"
      max="${spec.max}" step="${(spec.max - spec.min) / 20}" value="${spec.default}"></label>
      <span class="ends"><span>${ends[0]}</span><span>${ends[1]}</span></span>`;
    return div;
  }

  checkbox(name, spec) {
    const label = document.createElement("label");
    label.className = "control";
    label.title = spec.help ?? "";
    label.innerHTML = `<input type="checkbox" data-control="${name}" ${spec.default ? "checked" : ""}> ${spec.label}`;
    return label;
  }

  controls() {
    const values = {};
    for (const input of this.el("ai-controls").querySelectorAll("[data-control]")) {
      values[input.dataset.control] = input.type === "checkbox" ? input.checked : Number(input.value);
    }
    return values;
  }

  ask() {
    const region = this.studio.region();
    if (!region) return this.status("Select bars on the ruler (and tracks on the left) first.");
    this.studio.send({ type: "generate", request_id: newId("r"), operation: this.el("ai-operation").value,
      tracks: region.tracks, bars: region.bars, controls: this.controls(),
      candidates: Number(this.el("ai-candidates").value) });
    this.status("Asking…");
  }

  /** A `job`, `proposal`, `decided` or AI-related `error` message from the room. */
  handle(message) {
    if (message.type === "job") {
      this.jobs.set(message.job_id, message);
      const names = { queued: "waiting", running: "writing", ready: "ready", failed: "failed",
        cancelled: "cancelled", accepted: "accepted", rejected: "rejected" };
      this.status(`${message.description.replace("AI is writing", "AI:")} · ${names[message.status]}`
        + (message.reason ? ` (${message.reason})` : ""));
      if (["accepted", "rejected", "cancelled"].includes(message.status) && this.current?.jobId === message.job_id) {
        this.close();
      }
    } else if (message.type === "proposal") {
      this.proposals.set(message.job_id, message);
      this.show(message.job_id, 0);
    } else if (message.type === "error") {
      this.status(message.message);
    }
  }

  show(jobId, index) {
    const proposal = this.proposals.get(jobId);
    if (!proposal) return;
    const count = proposal.candidates.length;
    index = ((index % count) + count) % count;
    this.current = { jobId, index };
    if (!this.auditioned.has(jobId)) this.auditioned.set(jobId, new Set());
    this.auditioned.get(jobId).add(index);
    this.el("ai-proposal").hidden = false;
    this.el("ai-index").textContent = index + 1;
    this.el("ai-count").textContent = count;
    this.el("ai-stale").hidden = !proposal.stale;
    this.studio.showGhosts({ notes: proposal.candidates[index].notes, stale: proposal.stale, bars: proposal.bars,
      tracks: proposal.tracks });
  }

  step(delta) { if (this.current) this.show(this.current.jobId, this.current.index + delta); }

  hear() {
    if (!this.current) return;
    const proposal = this.proposals.get(this.current.jobId);
    this.studio.hear(proposal.candidates[this.current.index].notes, proposal.bars, proposal.tracks);
  }

  decide(accept) {
    if (!this.current) return;
    const { jobId, index } = this.current;
    const proposal = this.proposals.get(jobId);
    let force = false;
    if (accept && proposal.stale) {
      force = window.confirm("The bars changed since the AI was asked. Replace them anyway?");
      if (!force) return;
    }
    const auditioned = [...(this.auditioned.get(jobId) ?? [])];
    this.studio.send(accept ? { type: "decide", job_id: jobId, accept: index, auditioned, force }
      : { type: "decide", job_id: jobId, reject: true, auditioned });
  }

  regenerate() {
    if (this.current) this.studio.send({ type: "regenerate", job_id: this.current.jobId, request_id: newId("r") });
  }

  /** Mark the shown proposal stale when an edit lands inside its region. */
  markStale(jobId) {
    const proposal = this.proposals.get(jobId);
    if (proposal && !proposal.stale) {
      proposal.stale = true;
      if (this.current?.jobId === jobId) this.show(jobId, this.current.index);
    }
  }

  close() {
    this.current = null;
    this.el("ai-proposal").hidden = true;
    this.studio.showGhosts(null);
  }

  status(text) { this.el("ai-status").textContent = text; }
}
