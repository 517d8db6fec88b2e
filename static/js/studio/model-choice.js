// Which of the studio's models the AI panel asks. GET /api/engine/ lists them, each with its own
// capabilities; the piece's AI policy (ai_models, core/rules.js) says which its members may ask. With one
// model the choice stays hidden and requests name no model (the server's default), as before there were
// several. The panel builds its controls from the chosen model's capabilities.
import { modelAllowed } from "../core/rules.js";
import { escapeHtml } from "../shared/html.js";

export class ModelChoice {
  /**
   * @param {HTMLElement} row the label holding the select (hidden with one model)
   * @param {HTMLSelectElement} select
   * @param {() => void} onChange called when the chosen model (so its controls) changes
   */
  constructor(row, select, onChange) {
    Object.assign(this, { row, select, onChange, models: [], chosen: null, piece: null });
    select.addEventListener("change", () => { this.chosen = select.value; onChange(); });
  }

  /** The body of GET /api/engine/ (an older server answers `capabilities` only: one model). */
  load(body) {
    this.models = body.models ?? [{ name: null, default: true, available: true, capabilities: body.capabilities }];
    this.chosen = this.models.find((m) => m.default)?.name ?? null;
    this.render(this.piece);
  }

  /** Names of the studio's models, for the settings dialog. */
  names() { return this.models.map((m) => m.name); }

  /** The chosen model's listing entry. */
  current() { return this.models.find((m) => m.name === this.chosen) ?? this.models[0]; }

  capabilities() { return this.current()?.capabilities ?? null; }

  /** What a `generate` adds: the model's name, when the studio has several. */
  requestFields() { return this.models.length > 1 && this.chosen ? { model: this.chosen } : {}; }

  /** Which model wrote a proposal, said when the studio has several ("from walk"). */
  fromText(proposal) {
    const made = proposal.provenance ?? {};
    return this.models.length > 1 ? `from ${made.model_entry || made.model || "the AI"}` : "";
  }

  /** Offer the models the piece allows; keep the choice when it is still allowed. */
  render(piece) {
    this.piece = piece;
    if (this.models.length < 2) { this.row.hidden = true; return; }
    const allowed = this.models.filter((m) => !piece || modelAllowed(piece, m.name));
    const key = JSON.stringify(allowed.map((m) => [m.name, m.available]));
    if (!allowed.some((m) => m.name === this.chosen && m.available)) {
      const next = allowed.find((m) => m.available)?.name ?? null;
      if (next !== this.chosen) { this.chosen = next; this.onChange(); }
    }
    this.row.hidden = false;
    if (key !== this.shown) {
      this.shown = key;
      this.select.innerHTML = allowed.length ? allowed.map((m) => `<option value="${escapeHtml(m.name)}"
        ${m.available ? "" : "disabled"} title="${escapeHtml(m.reason || modelTitle(m))}">${escapeHtml(m.name)}${
        m.available ? "" : " (not answering)"}</option>`).join("")
        : "<option value=\"\" disabled>none allowed in this piece</option>";
    }
    this.select.value = this.chosen ?? "";
    this.select.disabled = !allowed.some((m) => m.available);
  }
}

function modelTitle(model) {
  const caps = model.capabilities;
  return caps ? `${caps.name} ${caps.version}: ${caps.operations.join(", ")}` : model.name;
}
