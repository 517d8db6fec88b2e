// "Piece settings": title, tempo, key, meter and length for everyone who edits; the classroom rules (own
// tracks only, the AI policy, and which of the studio's models may be asked when it has several) for the owner. Saving sends one piece.update; the server normalises the key
// ("e minor" -> "E minor") with the same parser the page uses first. A refused value is named next to
// the form, and the form keeps everything the person typed.
import { pieceUpdate } from "../core/ops.js";
import { normalizeKey } from "../core/symbols.js";
import { escapeHtml } from "../shared/html.js";
import { say } from "./status.js";

export const METERS = ["4/4", "3/4", "2/4", "2/2", "6/8", "9/8", "12/8", "3/8", "6/4", "3/2", "4/2", "5/4", "7/8"];
const POLICY = ["own_tracks_only", "ai_enabled", "ai_mode", "ai_operations", "ai_quota_per_hour", "ai_models"];

/**
 * @param {{view: () => object, role: () => string, edit: Function, canEdit: Function,
 *          models: () => string[]}} studio models: the names of the studio's models
 */
export function setupSettingsDialog(studio) {
  const dialog = document.getElementById("settings-dialog");
  const form = document.getElementById("settings-form");
  const status = document.getElementById("settings-status");
  const f = form.elements;

  document.getElementById("open-settings").addEventListener("click", () => {
    const piece = studio.view().piece;
    const meter = piece.time_signature.join("/");
    f.meter.innerHTML = [...new Set([meter, ...METERS])].map((m) => `<option>${m}</option>`).join("");
    Object.assign(f.title, { value: piece.title });
    f.tempo.value = piece.tempo;
    f.key.value = piece.key;
    f.meter.value = meter;
    f.bars.value = piece.bars;
    f.own_tracks_only.checked = !!piece.own_tracks_only;
    f.ai_enabled.checked = !!piece.ai_enabled;
    f.ai_mode.value = piece.ai_mode;
    for (const box of form.querySelectorAll("[name=ai_operations]")) box.checked = piece.ai_operations.includes(box.value);
    f.ai_quota_per_hour.value = piece.ai_quota_per_hour;
    showModels(form, piece, studio.models?.() ?? []);
    const owner = studio.role() === "owner";
    document.getElementById("set-classroom").hidden = !owner;
    for (const input of form.querySelectorAll("input, select")) input.disabled = !studio.canEdit();
    if (studio.canEdit()) allModelsToggled(form);
    say(status, studio.canEdit() ? "" : `You are a ${studio.role()}: you can see the settings, not change them.`);
    dialog.showModal();
  });

  form.addEventListener("change", (event) => { if (event.target.name === "ai_models_all") allModelsToggled(form); });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const piece = studio.view().piece;
    const changes = {};
    const title = f.title.value.trim();
    const tempo = Number(f.tempo.value);
    const bars = Number(f.bars.value);
    const problems = [];
    if (!title) problems.push("the title is empty");
    if (!Number.isInteger(tempo) || tempo < 20 || tempo > 400) problems.push("the tempo is a whole number from 20 to 400");
    if (!Number.isInteger(bars) || bars < 1 || bars > 1000) problems.push("the length is 1 to 1000 bars");
    let key = piece.key;
    try {
      key = normalizeKey(f.key.value);
    } catch (error) {
      problems.push(error.message);
    }
    if (problems.length) return say(status, `Not saved: ${problems.join("; ")}.`, { error: true });
    if (title !== piece.title) changes.title = title;
    if (tempo !== piece.tempo) changes.tempo = tempo;
    if (key !== piece.key) changes.key = key;
    const meter = f.meter.value.split("/").map(Number);
    if (meter.join("/") !== piece.time_signature.join("/")) changes.time_signature = meter;
    if (bars !== piece.bars) changes.bars = bars;
    if (studio.role() === "owner") Object.assign(changes, policyChanges(form, piece));
    if (!Object.keys(changes).length) { dialog.close(); return undefined; }
    f.key.value = key; // show the spelling the server will keep
    const sent = studio.edit([pieceUpdate(changes)], { status, done: "Saved.", failed: () => dialog.showModal() });
    if (sent) dialog.close();
    return undefined;
  });
}

function policyChanges(form, piece) {
  const f = form.elements;
  const values = {
    own_tracks_only: f.own_tracks_only.checked, ai_enabled: f.ai_enabled.checked, ai_mode: f.ai_mode.value,
    ai_operations: [...form.querySelectorAll("[name=ai_operations]:checked")].map((b) => b.value),
    ai_quota_per_hour: Number(f.ai_quota_per_hour.value),
    ai_models: document.getElementById("set-ai-models").hidden ? piece.ai_models
      : f.ai_models_all.checked ? "all" : [...form.querySelectorAll("[name=ai_models]:checked")].map((b) => b.value),
  };
  return Object.fromEntries(POLICY.filter((k) => JSON.stringify(values[k]) !== JSON.stringify(piece[k]))
    .map((k) => [k, values[k]]));
}

/** One box per model (the studio's, and any the piece still names); shown when there is a choice to make. */
function showModels(form, piece, names) {
  const allowed = piece.ai_models ?? "all";
  const listed = [...new Set([...names, ...(Array.isArray(allowed) ? allowed : [])])];
  document.getElementById("set-ai-models").hidden = names.length < 2 && allowed === "all";
  form.elements.ai_models_all.checked = allowed === "all";
  document.getElementById("set-ai-models-list").innerHTML = listed.map((name) => `<label><input type="checkbox"
    name="ai_models" value="${escapeHtml(name)}" ${allowed === "all" || allowed.includes(name) ? "checked" : ""}>
    ${escapeHtml(name)}</label>`).join("");
}

function allModelsToggled(form) {
  for (const box of form.querySelectorAll("[name=ai_models]")) box.disabled = form.elements.ai_models_all.checked;
}
