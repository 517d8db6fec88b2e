// Who did what on the history page: actor keys ("user:3", "model:gridcoco@1.0", "system") from the
// history API mapped to names and colours, and the shapes the <piano-roll> needs from them.
import { AI_COLOUR } from "../roll/paint.js"; // the roll paints every model note in this colour

const HEX = /^#[0-9a-f]{6}$/i;
const FALLBACK = "#98a2b3";

/** A colour safe to put in markup: the actor's, when it is a #rrggbb string, else a neutral grey. */
export function safeColour(colour) {
  return HEX.test(colour ?? "") ? colour : FALLBACK;
}

/**
 * An index of the actors by key, answering for keys it has never seen too (an old event whose member left).
 * @param {{key: string, kind: string, name: string, colour: string}[]} actors
 */
export function actorIndex(actors = []) {
  // The AI gets the roll's colour for its notes, so the timeline, the charts and the roll agree.
  const colourOf = (a) => (a.kind === "model" ? AI_COLOUR : safeColour(a.colour));
  const byKey = new Map(actors.map((a) => [a.key, { ...a, colour: colourOf(a) }]));
  const get = (key) => byKey.get(key) ?? { key, kind: String(key).split(":")[0], name: String(key ?? "unknown"),
    colour: FALLBACK };
  return { all: [...byKey.values()], get, name: (key) => get(key).name, colour: (key) => get(key).colour };
}

/** The roll colours its notes by author id ({userId: colour}); model notes always get the AI colour. */
export function rollColours(actors = []) {
  const colours = {};
  for (const actor of actors) {
    const [kind, id] = String(actor.key).split(":");
    if (kind === "user" && id !== undefined) colours[Number(id)] = safeColour(actor.colour);
  }
  return colours;
}

/** The actor key of a note's author as the state records it ({kind: "user", id} / {kind: "model", name}). */
export function authorKey(author) {
  if (!author) return "system";
  if (author.kind === "user") return `user:${author.id}`;
  if (author.kind === "model") return `model:${author.name}`;
  return author.kind ?? "system";
}

