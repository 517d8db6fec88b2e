// The notation pane under the roll: the piece in staff notation as it is now. It renders the server's own
// MusicXML export at the room's latest seq (one MusicXML writer: clefs, grand staves and chord symbols
// come from composer_ui/interop), fetched again shortly after every edit, anyone's. A note clicked in the
// score is selected in the roll and the roll's selection is coloured in the score (by note id). "Show"
// picks all tracks, the person's own (a student's voice), or one track; "Follow the roll" (on by default)
// draws only the bars the roll shows (at most 16), so a long piece redraws about as fast as a short one; "Print…" opens the
// print view of what is shown. The pane's height is dragged (or arrowed) at its top edge.
import { noteKeys } from "../core/notation.js";
import { barTicks } from "../core/ticks.js";
import { Score } from "../notation/score.js";
import { say } from "./status.js";

const DEBOUNCE_MS = 120;
const MOST_BARS = 16; // following the roll: at most this many bars drawn (OSMD's drawing time grows with them)

/** @param {{studio: object, roll: HTMLElement, setSelection: (ids: Set<string>) => void}} parts */
export function setupNotationPane({ studio, roll, setSelection }) {
  const $ = (id) => document.getElementById(id);
  const pane = $("notation-pane");
  const toggle = $("show-score");
  const container = $("score");
  const choice = $("score-tracks");
  const print = $("score-print");
  const status = $("score-status");
  const splitter = $("score-splitter");
  const follow = $("score-follow");
  const score = new Score(container, { zoom: 0.7, topMargin: 1 });
  let shown = { seq: -1, tracks: null, bars: "" }; // what the drawing shows
  let timer = null;
  let busy = false;

  const view = () => studio.room.view;
  const mine = () => view().tracks.filter((t) => t.owner === studio.me).map((t) => t.id);

  /** The track ids shown (null: every track). */
  function chosenTracks() {
    if (choice.value === "mine") return mine().length ? mine() : null;
    if (choice.value && view().tracks.some((t) => t.id === choice.value)) return [choice.value];
    return null;
  }

  function renderChoices() {
    const options = [["", "all tracks"], ...(mine().length ? [["mine", "my tracks"]] : []),
      ...view().tracks.map((t) => [t.id, t.name])];
    const signature = JSON.stringify(options);
    if (choice.dataset.signature === signature) return;
    const value = choice.value || (view().piece.own_tracks_only && mine().length ? "mine" : "");
    choice.replaceChildren(...options.map(([v, label]) => new Option(label, v)));
    choice.value = options.some(([v]) => v === value) ? value : "";
    choice.dataset.signature = signature;
  }

  /** The bars the roll shows (at most MOST_BARS from its first), [first, last] 1-based (null: the whole piece). */
  function barWindow() {
    if (!follow.checked) return null;
    const bar = roll.barTicks();
    const g = roll.geometry;
    const first = Math.max(0, Math.min(view().piece.bars - 1, Math.floor(g.scrollTick / bar)));
    const last = Math.ceil((g.scrollTick + roll.noteAreaWidth() / g.pixelsPerTick) / bar);
    return [first + 1, Math.max(first + 1, Math.min(view().piece.bars, last, first + MOST_BARS))];
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, DEBOUNCE_MS);
  }

  async function refresh() {
    if (busy) { schedule(); return; }
    busy = true;
    const tracks = chosenTracks();
    const query = tracks ? `?tracks=${encodeURIComponent(tracks.join(","))}` : "";
    try {
      const response = await fetch(`/api/pieces/${studio.pieceId}/export/musicxml/${query}`, { credentials: "same-origin" });
      if (!response.ok) throw new Error((await response.json()).error?.message ?? `HTTP ${response.status}`);
      const seq = Number(response.headers.get("X-Piece-Seq"));
      const xml = await response.text();
      const state = view();
      const scroll = container.scrollTop;
      const bars = barWindow();
      await score.render(xml, noteKeys(state, tracks, barTicks(state.piece.time_signature)),
        (id) => state.notes[id]?.author?.kind === "model", bars);
      container.scrollTop = scroll;
      score.select(roll.selection);
      shown = { seq, tracks: JSON.stringify(tracks), bars: JSON.stringify(bars) };
      container.dataset.seq = String(seq);
      say(status, "");
    } catch (error) {
      say(status, `The score could not be drawn: ${error.message}`, { error: true });
      shown = { seq: studio.room.seq, tracks: JSON.stringify(tracks), bars: JSON.stringify(barWindow()) }; // not again until the next edit
    } finally {
      busy = false;
    }
  }

  function update() {
    if (pane.hidden || !view()) return;
    renderChoices();
    const tracks = chosenTracks();
    print.href = `/pieces/${studio.pieceId}/score/${tracks ? `?tracks=${encodeURIComponent(tracks.join(","))}` : ""}`;
    if (studio.room.seq !== shown.seq || JSON.stringify(tracks) !== shown.tracks) schedule();
    else score.select(roll.selection);
  }

  function show(visible) {
    pane.hidden = !visible;
    splitter.hidden = !visible;
    splitter.setAttribute("aria-valuenow", String(Math.round(pane.getBoundingClientRect().height)));
    toggle.setAttribute("aria-pressed", String(visible));
    roll.render();
    update();
  }

  /** The roll scrolled or zoomed: draw the bars it shows now (the loaded score, no new fetch). */
  let redrawTimer = null;
  function followRoll() {
    if (pane.hidden || !score.osmd || busy) return;
    const bars = JSON.stringify(barWindow());
    if (bars === shown.bars) return;
    clearTimeout(redrawTimer);
    redrawTimer = setTimeout(() => {
      if (busy) return;
      const window = barWindow();
      score.redraw(window);
      score.select(roll.selection);
      shown.bars = JSON.stringify(window);
    }, DEBOUNCE_MS);
  }

  toggle.addEventListener("click", () => show(pane.hidden));
  choice.addEventListener("change", update);
  follow.addEventListener("change", followRoll);
  roll.addEventListener("rendered", followRoll);
  container.addEventListener("click", (event) => {
    const ids = score.idsAt(event.target);
    if (!ids.length) return;
    const next = event.shiftKey ? new Set([...roll.selection, ...ids]) : new Set(ids);
    setSelection(next);
  });

  // The pane's height: drag its top edge, or arrows on it (the roll keeps at least 160 px).
  const resize = (height) => {
    const room = pane.parentElement.getBoundingClientRect().height - 160;
    pane.style.height = `${Math.max(120, Math.min(room, height))}px`;
    splitter.setAttribute("aria-valuenow", String(Math.round(pane.getBoundingClientRect().height)));
    roll.render();
  };
  splitter.addEventListener("pointerdown", (event) => {
    const start = { y: event.clientY, height: pane.getBoundingClientRect().height };
    splitter.setPointerCapture(event.pointerId);
    const move = (e) => resize(start.height + start.y - e.clientY);
    splitter.addEventListener("pointermove", move);
    splitter.addEventListener("pointerup", () => splitter.removeEventListener("pointermove", move), { once: true });
  });
  splitter.addEventListener("keydown", (event) => {
    const step = { ArrowUp: 30, ArrowDown: -30 }[event.key];
    if (!step) return;
    event.preventDefault();
    event.stopPropagation();
    resize(pane.getBoundingClientRect().height + step);
  });

  return { update, show, score };
}
