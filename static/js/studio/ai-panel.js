// The AI panel: the model (model-choice.js), operation, region and controls from that model's capabilities(); then the proposals:
// switch between candidates (shown as ghost notes), one voice or all, hear one, accept, reject,
// regenerate. What happens to a request is said right under the button that made it.
import { newId } from "../core/ops.js";
import { cueRequest } from "../core/picture.js";
import { escapeHtml } from "../shared/html.js";
import { ModelChoice } from "./model-choice.js";
import { say } from "./status.js";

const STATUS_WORDS = { queued: "waiting", running: "writing", ready: "ready", failed: "failed",
  cancelled: "cancelled", accepted: "accepted", rejected: "set aside" };
const ENDS = { temperature: ["conventional", "surprising"], note_density: ["sparser", "busier"],
  top_p: ["focused", "open"], keep_close: ["free", "close to the original"] };
// Controls of "suggest chords" only: shown right under the operation while it is chosen.
const CHORD_CONTROLS = ["harmonic_rhythm", "chord_vocabulary"];

export class AiPanel {
  /**
   * @param {{send: Function, region: (operation: string) => ({tracks: string[], bars: number[]}|null),
   *          showGhosts: Function, hear: Function, me: number, trackName: (id: string) => string}} studio
   */
  constructor(studio) {
    this.studio = studio;
    this.el = (id) => document.getElementById(id);
    this.proposals = new Map();  // job_id -> proposal message
    this.current = null;         // {jobId, index}
    this.voice = "";             // "" = all voices, else a track id
    this.auditioned = new Map(); // job_id -> Set of candidate indexes heard or shown
    this.mine = new Set();       // request ids I sent, so their news lands under my button
    this.lastAction = "ask";     // where a refusal from the server is shown
    this.el("ai-ask").addEventListener("click", () => this.ask());
    this.el("ai-cues").addEventListener("click", () => this.writeToCues());
    this.el("ai-voice").addEventListener("change", (e) => { this.voice = e.target.value; this.redraw(); });
    this.el("ai-operation").addEventListener("change", () => this.showChordControls());
    this.models = new ModelChoice(this.el("ai-model-row"), this.el("ai-model-choice"), () => this.showControls());
    this.loadControls();
  }

  async loadControls() {
    const response = await fetch("/api/engine/", { credentials: "same-origin" }).catch(() => null);
    if (!response?.ok) return say(this.el("ai-status"), "The AI is not available right now.", { error: true });
    this.models.load(await response.json());
    return this.showControls();
  }

  /** The chosen model's controls, operations and limits. */
  showControls() {
    const capabilities = this.models.capabilities();
    this.capabilities = capabilities;
    const box = this.el("ai-controls");
    box.innerHTML = "";
    this.el("ai-chord-controls").innerHTML = "";
    if (!capabilities) {
      this.el("ai-model").textContent = "";
      return say(this.el("ai-status"), this.models.current()?.reason || "The AI is not available right now.", { error: true });
    }
    const operation = this.el("ai-operation");
    for (const option of operation.options) option.disabled = !capabilities.operations.includes(option.value);
    if (operation.selectedOptions[0]?.disabled) operation.value = [...operation.options].find((o) => !o.disabled)?.value;
    for (const [name, spec] of Object.entries(capabilities.controls)) {
      const control = { float: () => this.slider(name, spec), bool: () => this.checkbox(name, spec),
        choice: () => this.choice(name, spec) }[spec.type];
      if (control) (CHORD_CONTROLS.includes(name) ? this.el("ai-chord-controls") : box).append(control());
    }
    this.showChordControls();
    this.el("ai-candidates").max = capabilities.limits.max_candidates;
    this.el("ai-model").textContent = `${capabilities.name} ${capabilities.version}`;
    if (this.studio.view()) this.showCues(this.studio.view());
    return undefined;
  }

  slider(name, spec) {
    const [low, high] = ENDS[name] ?? [spec.min, spec.max];
    const div = document.createElement("div");
    div.className = "control";
    div.title = spec.help ?? "";
    div.innerHTML = `<label>${escapeHtml(spec.label)} <input type="range" data-control="${name}" min="${spec.min}"
      max="${spec.max}" step="${(spec.max - spec.min) / 20}" value="${spec.default}"></label>
      <span class="ends" aria-hidden="true"><span>${low}</span><span>${high}</span></span>`;
    return div;
  }

  checkbox(name, spec) {
    const label = document.createElement("label");
    label.className = "control";
    label.title = spec.help ?? "";
    // Every piece has a key, so staying in it is the sensible start; the person can untick it.
    const on = name === "stay_in_key" ? true : spec.default;
    label.innerHTML = `<input type="checkbox" data-control="${name}" ${on ? "checked" : ""}> ${escapeHtml(spec.label)}`;
    return label;
  }

  choice(name, spec) {
    const label = document.createElement("label");
    label.className = "control";
    label.title = spec.help ?? "";
    label.innerHTML = `${escapeHtml(spec.label)} <select data-control="${name}">${spec.options.map((o) =>
      `<option ${o === spec.default ? "selected" : ""}>${escapeHtml(o)}</option>`).join("")}</select>`;
    return label;
  }

  showChordControls() { this.el("ai-chord-controls").hidden = this.operation() !== "chords"; }

  controls() {
    const values = {};
    for (const input of this.el("ai-panel").querySelectorAll("#ai-controls [data-control], #ai-chord-controls [data-control]")) {
      values[input.dataset.control] = input.type === "checkbox" ? input.checked
        : input.tagName === "SELECT" ? input.value : Number(input.value);
    }
    return values;
  }

  operation() { return this.el("ai-operation").value; }

  /** Ask for `operation` over a region (by default the page's: selected bars x ticked tracks). */
  ask(operation = this.operation(), tracks, bars, moreControls = {}) {
    const region = tracks ? { tracks, bars } : this.studio.region(operation);
    this.lastAction = "ask";
    if (!region?.bars) return say(this.el("ai-status"), "Select bars on the ruler first.", { error: true });
    if (!region.tracks.length) return say(this.el("ai-status"), "Tick the tracks the AI should write.", { error: true });
    const requestId = newId("r");
    this.mine.add(requestId);
    this.studio.send({ type: "generate", request_id: requestId, operation, tracks: region.tracks, bars: region.bars,
      controls: { ...this.controls(), ...moreControls }, candidates: Number(this.el("ai-candidates").value), ...this.models.requestFields() });
    return say(this.el("ai-status"), "Asking…", { ms: 0 });
  }

  /** "Write to the cues" shows when the piece has a cadence or hit cue and the model takes cue targets. */
  showCues(state) {
    this.el("ai-cues").hidden = !this.capabilities?.controls.cue_targets
      || !Object.values(state.cues ?? {}).some((c) => c.kind === "cadence" || c.kind === "hit");
  }

  /** From the selected bars (or after the last note) to the next cadence cue, with the cues as targets. */
  writeToCues() {
    const region = this.studio.region("continue");
    this.lastAction = "ask";
    if (!region) return say(this.el("ai-status"), "Select the bar to start from on the ruler first.", { error: true });
    if (!region.tracks.length) return say(this.el("ai-status"), "Tick the tracks the AI should write.", { error: true });
    let request;
    try {
      request = cueRequest(this.studio.view(), { tracks: region.tracks, fromBar: region.bars[0] });
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      return say(this.el("ai-status"), error.message, { error: true });
    }
    return this.ask(request.operation, request.tracks, request.bars, request.controls);
  }

  /** A `job`, `proposal` or AI-related `error` message from the room. */
  handle(message) {
    if (message.type === "job") {
      const mine = this.mine.has(message.request_id) || message.requester === this.studio.me;
      if (mine) {
        const text = `${message.description.replace("AI is writing", "AI:")} · ${STATUS_WORDS[message.status]}`
          + (message.reason ? ` (${message.reason})` : "");
        say(this.el("ai-status"), text, { error: message.status === "failed", ms: 0 });
      }
      if (["accepted", "rejected", "cancelled", "failed"].includes(message.status)) {
        this.proposals.delete(message.job_id);
        if (this.current?.jobId === message.job_id) this.close();
      }
    } else if (message.type === "proposal") {
      this.proposals.set(message.job_id, message);
      this.show(message.job_id, 0);
    } else if (message.type === "error") {
      say(this.el(this.lastAction === "ask" ? "ai-status" : "ai-decide-status"), message.message, { error: true });
    }
  }

  show(jobId, index) {
    const proposal = this.proposals.get(jobId);
    if (!proposal) return;
    const count = proposal.candidates.length;
    index = ((index % count) + count) % count;
    if (this.current?.jobId !== jobId) this.setVoices(proposal);
    this.current = { jobId, index };
    if (!this.auditioned.has(jobId)) this.auditioned.set(jobId, new Set());
    this.auditioned.get(jobId).add(index);
    this.el("ai-proposal").hidden = false;
    this.el("ai-index").textContent = index + 1;
    this.el("ai-count").textContent = count;
    this.el("ai-from").textContent = this.models.fromText(proposal);
    this.el("ai-stale").hidden = !proposal.stale;
    const notes = proposal.provenance?.warnings ?? [];     // how the model read the request (a meter, drums left out)
    this.el("ai-warnings").hidden = !notes.length;
    this.el("ai-warnings").textContent = notes.join(" · ");
    this.redraw();
  }

  setVoices(proposal) {
    this.voice = "";
    this.el("ai-voice").innerHTML = `<option value="">all voices</option>${proposal.tracks.map((t) =>
      `<option value="${escapeHtml(t)}">${escapeHtml(this.studio.trackName(t))}</option>`).join("")}`;
    this.el("ai-voice").disabled = proposal.tracks.length < 2;
  }

  /** The shown candidate's notes and tracks, narrowed to the chosen voice. */
  shown() {
    const proposal = this.proposals.get(this.current.jobId);
    const { notes, chords = [] } = proposal.candidates[this.current.index];
    if (!this.voice) return { proposal, notes, chords, tracks: proposal.tracks };
    return { proposal, notes: notes.filter((n) => n.track === this.voice), chords, tracks: [this.voice] };
  }

  redraw() {
    if (!this.current) return;
    const { proposal, notes, chords, tracks } = this.shown();
    this.studio.showGhosts({ notes, chords, stale: proposal.stale, bars: proposal.bars, tracks });
  }

  step(delta) { if (this.current) this.show(this.current.jobId, this.current.index + delta); }

  hear() {
    if (!this.current) return;
    const { proposal, notes, chords, tracks } = this.shown();
    this.studio.hear(notes, proposal.bars, tracks, chords);
  }

  decide(accept) {
    if (!this.current) return;
    const { jobId, index } = this.current;
    const proposal = this.proposals.get(jobId);
    this.lastAction = "decide";
    let force = false;
    if (accept && proposal.stale) {
      force = window.confirm("The bars changed since the AI was asked. Replace them anyway?");
      if (!force) return;
    }
    const auditioned = [...(this.auditioned.get(jobId) ?? [])];
    this.decidedWhat = proposal.provenance?.operation === "chords" ? "chords" : "notes";
    this.studio.send(accept ? { type: "decide", job_id: jobId, accept: index, auditioned, force }
      : { type: "decide", job_id: jobId, reject: true, auditioned });
    say(this.el("ai-decide-status"), accept ? "Accepting…" : "Setting it aside…");
  }

  regenerate() {
    if (!this.current) return;
    this.lastAction = "ask";
    const requestId = newId("r");
    this.mine.add(requestId);
    this.studio.send({ type: "regenerate", job_id: this.current.jobId, request_id: requestId });
    say(this.el("ai-status"), "Asking again…", { ms: 0 });
  }

  /** A `decided` answer to my decide. */
  decided(message) {
    say(this.el("ai-decide-status"), "");
    say(this.el("ai-status"), message.status === "accepted" ? `Accepted: the ${this.decidedWhat ?? "notes"} are in the piece.`
      : "Set aside.");
  }

  /** Mark a proposal stale when an edit lands inside its region (rules.opsTouchRegion decides). */
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
}
