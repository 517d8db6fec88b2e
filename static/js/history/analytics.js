// The analytics API's answer turned into chart specs and markup: one figure per question a researcher
// asks (who wrote what, what of the AI's survives, what gets accepted, how long decisions take).
import { escapeHtml } from "../shared/html.js";
import { AI_COLOUR } from "../roll/paint.js";
import { actorIndex } from "./actors.js";
import { barChart, binLabel, histogram } from "./charts.js";
import { formatSeconds } from "./timeline.js";

const ACCENT = "#3e63dd";
const percent = (share) => `${Math.round(share * 100)}%`;

/** Rows of an acceptance table ({key, proposals, accepted, rejected, undecided, rate}) as a rate chart. */
export function acceptanceRows(items = [], { label = (key) => key, colour = () => ACCENT } = {}) {
  return items.map((item) => {
    const decided = item.accepted + item.rejected;
    const rate = Number.isFinite(item.rate) ? item.rate : null;
    return {
      label: label(item.key), colour: colour(item.key), values: [rate === null ? null : rate * 100],
      texts: [rate === null ? "no decisions" : `${percent(rate)} (${item.accepted} of ${decided})`],
      hint: `${item.key}: ${item.proposals} proposals, ${item.accepted} accepted, ${item.rejected} rejected, `
        + `${item.undecided} undecided`,
    };
  });
}

/** Every figure of the analytics section: [{id, title, subtitle, chart}] where chart is a barChart spec. */
export function analyticsFigures(analytics) {
  const actors = actorIndex(analytics.actors);
  const ai = analytics.ai_notes ?? {};
  const decisions = analytics.decision_seconds ?? { count: 0, values: [] };
  const auditioned = analytics.auditioned_before_accept ?? { count: 0, histogram: {} };
  const acceptance = analytics.acceptance ?? {};
  const byName = { label: (key) => actors.name(key), colour: (key) => actors.colour(key) };
  return [
    { id: "notes-by-author", title: "Notes by author", subtitle: "written over the session, and still in the final piece",
      chart: { label: "Notes by author", series: [{ name: "written", opacity: 0.4 }, { name: "in the final piece" }],
        rows: (analytics.notes_by_author ?? []).map((r) => ({ label: actors.name(r.actor), colour: actors.colour(r.actor),
          values: [r.written, r.final] })) } },
    { id: "bars-by-author", title: "Bars by author", subtitle: "bars in which the author wrote most of the notes",
      chart: { label: "Bars by author", rows: (analytics.bars_by_author ?? []).map((r) => ({
        label: actors.name(r.actor), colour: actors.colour(r.actor), values: [r.bars] })) } },
    { id: "ai-notes", title: "AI notes",
      subtitle: Number.isFinite(ai.survival_share) ? `${percent(ai.survival_share)} of the accepted AI notes survive in the final piece`
        : "no AI notes accepted yet",
      chart: { label: "AI notes", rows: ai.accepted ? [
        ["accepted", ai.accepted], ["still in the piece", ai.surviving], ["edited by people", ai.edited_by_humans],
        ["deleted by people", ai.deleted_by_humans],
      ].map(([label, value]) => ({ label, colour: AI_COLOUR, values: [value ?? 0] })) : [], empty: "No AI notes accepted yet." } },
    { id: "acceptance-operation", title: "Acceptance by operation", subtitle: "accepted / (accepted + rejected)",
      chart: { label: "Acceptance rate by operation", max: 100, rows: acceptanceRows(acceptance.by_operation) } },
    { id: "acceptance-controls", title: "Acceptance by control settings", subtitle: "hover a bar for the full settings",
      chart: { label: "Acceptance rate by control settings", max: 100, rows: acceptanceRows(acceptance.by_controls) } },
    { id: "acceptance-member", title: "Acceptance by member", subtitle: "of the proposals each member asked for",
      chart: { label: "Acceptance rate by member", max: 100, rows: acceptanceRows(acceptance.by_member, byName) } },
    { id: "decision-time", title: "Time from proposal to decision",
      subtitle: decisions.count ? `median ${formatSeconds(decisions.median)}, mean ${formatSeconds(decisions.mean)}, `
        + `${decisions.count} decisions` : "no decisions yet",
      chart: { label: "Time from proposal to decision", rows: histogram(decisions.values ?? []).map((bin) => ({
        label: binLabel(bin), colour: ACCENT, values: [bin.count] })),
        empty: "No decisions yet." } },
    { id: "auditioned", title: "Candidates auditioned before accepting",
      subtitle: auditioned.count ? `mean ${Number(auditioned.mean).toFixed(1)} over ${auditioned.count} accepts` : "no accepts yet",
      chart: { label: "Candidates auditioned before accepting", rows: Object.entries(auditioned.histogram ?? {})
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([n, count]) => ({ label: `${n} candidate${n === "1" ? "" : "s"}`, colour: ACCENT, values: [count] })),
        empty: "No accepts yet." } },
  ];
}

/** The whole analytics section's figures as markup (the page sets it as innerHTML). */
export function analyticsHtml(analytics) {
  return analyticsFigures(analytics).map((f) => `<figure class="figure" id="figure-${f.id}">`
    + `<figcaption><strong>${escapeHtml(f.title)}</strong><span class="hint">${escapeHtml(f.subtitle)}</span></figcaption>`
    + `${barChart(f.chart)}</figure>`).join("");
}
