// Notes as the score shows them, pure: the notation pane renders the server's MusicXML export (one MusicXML
// writer, composer_ui/interop/musicxml_export.py), and maps what it drew back to note ids with these keys.
// A note's key is its part, its start snapped to the 16th grid as the export writes it, and its pitch;
// tests/js/notation.test.mjs checks them against keys the Python side reads out of its own export.

const GRID = 120; // a 16th note at 480 per quarter

/** The export's quantize_for_notation: [start, duration] on the 16th grid, at least a 16th, inside the piece. */
export function quantizeForNotation(start, duration, endOfPiece) {
  let begin = Math.floor((start + GRID / 2) / GRID) * GRID;
  let end = Math.max(Math.floor((start + duration + GRID / 2) / GRID) * GRID, begin + GRID);
  if (end > endOfPiece) {
    end = endOfPiece;
    begin = Math.min(begin, end - GRID);
  }
  return [begin, end - begin];
}

/** "part|tick|pitch": how a drawn note is found again. */
export const noteKey = (part, tick, pitch) => `${part}|${tick}|${pitch}`;

/**
 * Note ids by key, for the parts of `trackIds` (in the piece's order, as the export writes them).
 * @param {{piece: object, tracks: object[], notes: object}} state
 * @param {string[]|null} trackIds null: every track
 * @param {number} barTicks
 * @returns {Map<string, string[]>}
 */
export function noteKeys(state, trackIds, barTicks) {
  const parts = state.tracks.filter((t) => !trackIds || trackIds.includes(t.id));
  const index = new Map(parts.map((t, i) => [t.id, i]));
  const end = state.piece.bars * barTicks;
  const keys = new Map();
  for (const note of Object.values(state.notes)) {
    const part = index.get(note.track);
    if (part === undefined) continue;
    const key = noteKey(part, quantizeForNotation(note.start, note.duration, end)[0], note.pitch);
    keys.set(key, [...(keys.get(key) ?? []), note.id]);
  }
  return keys;
}
