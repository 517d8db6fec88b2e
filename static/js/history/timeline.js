// The timeline's pure logic: which entries a filter shows, where the scrubbed seq falls among them,
// and the one-line details of proposals and decisions.

/** Every kind the history API knows, in the order the filter lists them. */
export const KINDS = ["create", "edit", "import", "undo", "redo", "policy", "generate", "regenerate", "proposal",
  "audition", "failed", "cancelled", "accept", "reject"];

export const KIND_LABELS = {
  create: "created", edit: "edit", import: "import", undo: "undo", redo: "redo", policy: "policy change",
  generate: "asked the AI", regenerate: "regenerate", proposal: "proposal", audition: "auditioned", failed: "failed job",
  cancelled: "cancelled job", accept: "accept", reject: "reject",
};

/**
 * The entries a filter lets through, in their order. An empty or missing set hides nothing of that facet;
 * `hidden` sets say what the reader unticked.
 * @param {object[]} entries
 * @param {{hiddenActors?: Set<string>, hiddenKinds?: Set<string>}} filter
 */
export function filterEntries(entries, { hiddenActors = new Set(), hiddenKinds = new Set() } = {}) {
  return entries.filter((e) => !hiddenActors.has(e.actor) && !hiddenKinds.has(e.kind));
}

/** The kinds to offer in the filter: those the entries have, known ones in their order, then any new ones. */
export function kindsToOffer(entries = []) {
  const present = new Set(entries.map((e) => e.kind));
  return [...KINDS.filter((k) => present.has(k)), ...[...present].filter((k) => !KINDS.includes(k)).sort()];
}

/** How many entries of each actor and each kind there are (shown next to the filter's boxes). */
export function counts(entries) {
  const actors = {};
  const kinds = {};
  for (const e of entries) {
    actors[e.actor] = (actors[e.actor] ?? 0) + 1;
    kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
  }
  return { actors, kinds };
}

/** "past" when the piece at `seq` already includes the entry, "future" when it comes later. */
export function position(entry, seq) {
  return entry.seq <= seq ? "past" : "future";
}

/** The last entry at or before `seq` (the one the scrubber sits on), or null before the first. */
export function currentEntry(entries, seq) {
  let current = null;
  for (const e of entries) if (e.seq <= seq && (!current || e.seq >= current.seq)) current = e;
  return current;
}

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** A short second line for entries whose details matter to a researcher; "" for the rest. */
export function entryDetails(entry) {
  const d = entry.details ?? {};
  switch (entry.kind) {
    case "proposal": {
      const parts = [];
      if (Number.isFinite(d.candidates)) parts.push(plural(d.candidates, "candidate"));
      if (d.model) parts.push(`model ${d.model}`);
      if (d.seed !== undefined && d.seed !== null) parts.push(`seed ${d.seed}`);
      if (Number.isFinite(d.latency_ms)) parts.push(`took ${formatSeconds(d.latency_ms / 1000)}`);
      return parts.join(" · ");
    }
    case "generate": case "regenerate":
      return d.controls && Object.keys(d.controls).length
        ? `controls: ${Object.entries(d.controls).map(([k, v]) => `${k}=${v}`).join(", ")}` : "";
    case "accept": case "reject": {
      const parts = [];
      if (Array.isArray(d.auditioned)) parts.push(`auditioned ${plural(d.auditioned.length, "candidate")}`);
      if (entry.kind === "accept" && Number.isInteger(d.candidate)) parts.push(`took candidate ${d.candidate + 1}`);
      if (Number.isFinite(d.seconds_to_decide)) parts.push(`decided in ${formatSeconds(d.seconds_to_decide)}`);
      return parts.join(" · ");
    }
    default:
      return "";
  }
}

/** 0.25 s, 4.2 s, 95 s, 3 min 5 s, 2 h 4 min. */
export function formatSeconds(seconds) {
  if (!Number.isFinite(seconds)) return "–";
  if (seconds > 0 && seconds < 1) return `${Number(seconds.toPrecision(2))} s`;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

/** The reproduce URL of a job from the template the page gets (its job id placeholder is `/jobs/0/`). */
export function reproduceUrl(template, jobId) {
  if (!Number.isInteger(jobId)) throw new Error("this entry has no generation job");
  return template.replace("/jobs/0/", `/jobs/${jobId}/`);
}

/** What "Regenerate exactly" says about the server's answer: {match: bool, text}. */
export function reproduceVerdict(result) {
  const candidates = result.candidates ?? [];
  const same = candidates.filter((c) => c.match).length;
  const models = result.stored_model === result.installed_model ? `model ${result.stored_model}`
    : `stored model ${result.stored_model}, installed ${result.installed_model}`;
  if (result.match) return { match: true, text: `candidates match (${same} of ${candidates.length}, ${models})` };
  const reason = result.reason ? `: ${result.reason}` : "";
  return { match: false, text: `differ (${same} of ${candidates.length} match, ${models})${reason}` };
}
