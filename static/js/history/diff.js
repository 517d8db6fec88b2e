// Reading a diff between two points: notes added, removed and changed, grouped by who did it, each
// described in words a musician reads (pitch name, bar and beat, track).
import { barTicks } from "../core/ticks.js";
import { noteName } from "../roll/geometry.js";
import { authorKey } from "./actors.js";

/** "G4 · bar 2 beat 1 · Soprano" (bars and beats counted from 1; off-beat starts get a fraction). */
export function describeNote(note, { piece, tracks = [] } = {}) {
  const signature = piece?.time_signature ?? [4, 4];
  const bar = barTicks(signature);
  const beat = bar / signature[0];
  const barNo = Math.floor(note.start / bar) + 1;
  const beatNo = (note.start % bar) / beat + 1;
  const beatText = Number.isInteger(beatNo) ? String(beatNo) : beatNo.toFixed(2).replace(/0+$/, "");
  const track = tracks.find((t) => t.id === note.track)?.name ?? note.track;
  return `${noteName(note.pitch)} · bar ${barNo} beat ${beatText} · ${track}`;
}

/** What a change did to a note, in a few words: "D4 → E4, moved later, longer, softer". */
export function describeChange(before, after, context = {}) {
  const parts = [];
  if (before.pitch !== after.pitch) parts.push(`${noteName(before.pitch)} → ${noteName(after.pitch)}`);
  if (before.start !== after.start) parts.push(after.start > before.start ? "moved later" : "moved earlier");
  if (before.duration !== after.duration) parts.push(after.duration > before.duration ? "longer" : "shorter");
  if (before.velocity !== after.velocity) parts.push(after.velocity > before.velocity ? "louder" : "softer");
  if (before.track !== after.track) {
    const name = (id) => context.tracks?.find((t) => t.id === id)?.name ?? id;
    parts.push(`${name(before.track)} → ${name(after.track)}`);
  }
  return parts.join(", ") || "provenance only";
}

/** " · accepted by Ana" when a note was added by someone other than its author (an accept adds the AI's notes). */
function acceptance(note, by, context) {
  return note.author && authorKey(note.author) !== by ? ` · accepted by ${context.name ? context.name(by) : by}` : "";
}

/**
 * The diff grouped by who did it, in the order they first appear: a note added is its author's (the AI's notes
 * are the AI's, with who accepted them), a removal or a change is whoever made it; each group lists its items
 * sorted by time. Track names come from the diff itself when it has them (tracks imported or deleted between
 * the two points are not in the page's state).
 * @param {{added: object[], removed: object[], changed: object[]}} diff the diff API's answer
 * @param {{piece?: object, tracks?: object[], name?: (key: string) => string}} [context] for words and names
 * @returns {{actor: string, added: number, removed: number, changed: number,
 *   items: {change: "added"|"removed"|"changed", start: number, text: string}[]}[]}
 */
export function groupDiff(diff, context = {}) {
  const groups = new Map();
  const group = (actor) => {
    if (!groups.has(actor)) groups.set(actor, { actor, added: 0, removed: 0, changed: 0, items: [] });
    return groups.get(actor);
  };
  context = diff.tracks ? { ...context, tracks: diff.tracks } : context;
  for (const { note, by } of diff.added ?? []) {
    const g = group(note.author ? authorKey(note.author) : by);
    g.added += 1;
    g.items.push({ change: "added", start: note.start, text: describeNote(note, context) + acceptance(note, by, context) });
  }
  for (const { note, by } of diff.removed ?? []) {
    const g = group(by);
    g.removed += 1;
    g.items.push({ change: "removed", start: note.start, text: describeNote(note, context) });
  }
  for (const { before, after, by } of diff.changed ?? []) {
    const g = group(by);
    g.changed += 1;
    g.items.push({ change: "changed", start: after.start,
      text: `${describeNote(before, context)}: ${describeChange(before, after, context)}` });
  }
  for (const g of groups.values()) g.items.sort((a, b) => a.start - b.start);
  return [...groups.values()];
}

/** "3 added, 1 removed" (the parts that are not zero), or "no notes changed". */
export function diffSummary({ added, removed, changed }) {
  const parts = [[added, "added"], [removed, "removed"], [changed, "changed"]].filter(([n]) => n > 0)
    .map(([n, word]) => `${n} ${word}`);
  return parts.join(", ") || "no notes changed";
}
