// "Fit to cues": the server's tempo solver (POST /api/pieces/<id>/fit/, engine/picture/solver.py) over the
// piece's cues within a tempo range and a meter; the best solutions are listed with each cue's error in
// milliseconds and frames and the bars the piece needs, and one is applied as ONE message of ops
// (core/picture.js fitOps), so a single undo takes it back.
import { fitOps } from "../core/picture.js";
import { formatUs } from "../core/timecode.js";
import { escapeHtml } from "../shared/html.js";
import { METERS } from "./settings-dialog.js";
import { say } from "./status.js";

const $ = (id) => document.getElementById(id);

async function postJson(url, body) {
  const csrf = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] ?? "";
  const response = await fetch(url, { method: "POST", body: JSON.stringify(body), credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf } });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.error?.message ?? `the server answered ${response.status}`);
  return answer;
}

/** One line that says what a solution does. */
export function describe(solution, fps) {
  const changes = solution.tempo_changes.length;
  const map = changes ? `, then ${solution.tempo_changes.map((c) => `♩=${c.tempo} at bar ${c.bar + 1}`).join(", ")}` : "";
  return `♩ = ${solution.tempo}${map}; bar 1 at ${formatUs(solution.start_offset_us, fps)}; ${solution.bars} bars; ` +
    `worst cue ${solution.max_error_ms.toFixed(1)} ms (${solution.max_error_frames.toFixed(2)} frames)`;
}

/** @param {{pieceId: number, view: () => object, edit: Function, canEdit: () => boolean}} studio */
export function setupFitPanel(studio) {
  const form = $("pic-fit-form");
  const status = $("pic-fit-status");
  const list = $("pic-solutions");
  let result = null;

  function fillMeters() {
    const meter = studio.view().piece.time_signature.join("/");
    const chosen = form.elements.meter.value || meter;
    form.elements.meter.innerHTML = [...new Set([meter, ...METERS])].map((m) => `<option>${m}</option>`).join("");
    form.elements.meter.value = chosen;
  }
  document.getElementById("open-picture").addEventListener("click", fillMeters);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const f = form.elements;
    const body = { tempo_range: [Number(f.slowest.value), Number(f.fastest.value)],
      time_signature: f.meter.value.split("/").map(Number), tolerance_frames: Number(f.frames.value) };
    say(status, "Fitting…", { ms: 0 });
    list.innerHTML = "";
    $("pic-fit-go").disabled = true;
    try {
      result = await postJson(`/api/pieces/${studio.pieceId}/fit/`, body);
      show();
    } catch (error) {
      say(status, error.message, { error: true });
    } finally {
      $("pic-fit-go").disabled = false;
    }
  });

  function show() {
    const state = studio.view();
    const labels = Object.fromEntries(Object.values(state.cues).map((c) => [c.id, c]));
    if (!result.solutions.length) {
      const close = result.too_close.map(([a, b]) => `${formatUs(labels[a]?.time_us ?? 0, result.fps)} and ` +
        `${formatUs(labels[b]?.time_us ?? 0, result.fps)}`);
      say(status, close.length ? `No tempo in the range fits cues this close together: ${close.join("; ")}.`
        : `No fit within ${result.tempo_range.join("-")} BPM${result.complete ? "" : " (the search stopped at its budget)"}: ` +
          "widen the range, allow more frames, or change the meter.", { error: true });
      return;
    }
    say(status, `${result.solutions.length} fit${result.solutions.length > 1 ? "s" : ""}, best first` +
      `${result.complete ? "" : " (the search stopped at its budget: a better one may exist)"}.`, { ms: 0 });
    list.innerHTML = result.solutions.map((s, i) => `<li>
      <p>${escapeHtml(describe(s, result.fps))}
        <button type="button" class="small" data-apply="${i}" ${studio.canEdit() ? "" : "disabled"}>Apply</button></p>
      <details><summary>Each cue</summary><table class="pic-table"><thead><tr><th scope="col">Cue</th><th scope="col">On</th>
        <th scope="col">Bar · beat</th><th scope="col">Error</th></tr></thead><tbody>
        ${s.cues.map((c) => `<tr><td>${escapeHtml(formatUs(labels[c.id]?.time_us ?? 0, result.fps))} ${escapeHtml(labels[c.id]?.label || c.kind)}</td>
          <td>${c.target ?? "free"}</td><td>${c.bar + 1} · ${c.beat + 1}</td>
          <td>${c.error_ms.toFixed(1)} ms, ${c.error_frames.toFixed(2)} fr</td></tr>`).join("")}
      </tbody></table></details></li>`).join("");
  }

  list.addEventListener("click", (event) => {
    const index = event.target.closest("[data-apply]")?.dataset.apply;
    if (index === undefined || !result) return;
    const solution = result.solutions[Number(index)];
    const ops = fitOps(studio.view(), solution, result.time_signature);
    if (!ops.length) return say(status, "The piece already has this timing.");
    return studio.edit(ops, { status, done: `Applied: ${describe(solution, result.fps)}. Undo takes it back.` });
  });
}
