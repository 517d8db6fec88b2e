// Showing the chord lane and its options: the "Chords" toggle in the roll bar, the harmonic rhythm that Tab
// follows, and the comping instrument the chords are heard on (off by default). The lane shows itself when
// the piece has chords, and a piece made from the lead-sheet template opens with it (?lane=chords); after
// that, what each person chose for a piece is remembered in this browser.
import { COMPING_INSTRUMENTS } from "../core/comping.js";
import { RHYTHMS } from "../core/chord-lane.js";

const store = {
  get(key) { try { return localStorage.getItem(key); } catch { return null; } },
  set(key, value) { try { localStorage.setItem(key, value); } catch { /* private mode: not remembered */ } },
};

/** @param {{pieceId: number, audio: object, onToggle: Function}} parts */
export function setupChordOptions({ pieceId, audio, onToggle }) {
  const $ = (id) => document.getElementById(id);
  const lane = $("chord-lane");
  const toggle = $("show-chords");
  const panel = $("chord-options");
  const opener = $("chord-options-button");
  const rhythm = $("chord-rhythm");
  const comping = $("comping");
  const laneKey = `studio.chordLane.${pieceId}`;

  rhythm.innerHTML = Object.entries(RHYTHMS).map(([value, label]) => `<option value="${value}">${label}</option>`).join("");
  comping.innerHTML = '<option value="">off</option>' + Object.entries(COMPING_INSTRUMENTS)
    .map(([value, { label }]) => `<option value="${value}">${label}</option>`).join("");
  rhythm.value = store.get("studio.chordRhythm") ?? "bar";
  comping.value = store.get("studio.comping") ?? "";
  audio.comping = comping.value || null;

  const params = new URLSearchParams(location.search);
  if (params.get("lane") === "chords") { // a new lead sheet
    store.set(laneKey, "shown");
    params.delete("lane");
    history.replaceState(null, "", location.pathname + (params.size ? `?${params}` : "") + location.hash);
  }

  function show(visible, remember) {
    if (remember) store.set(laneKey, visible ? "shown" : "hidden");
    if (lane.hidden === !visible) return;
    lane.hidden = !visible;
    toggle.setAttribute("aria-pressed", String(visible));
    if (!visible) panel.hidden = true;
    onToggle(visible);
  }

  toggle.addEventListener("click", () => show(lane.hidden, true));
  opener.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    opener.setAttribute("aria-expanded", String(!panel.hidden));
    if (!panel.hidden) {
      const box = opener.getBoundingClientRect();
      Object.assign(panel.style, { left: `${box.left}px`, top: `${box.bottom + 2}px` });
      rhythm.focus();
    }
  });
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { event.stopPropagation(); panel.hidden = true; opener.focus(); }
  });
  document.addEventListener("pointerdown", (event) => {
    if (!panel.hidden && !panel.contains(event.target) && event.target !== opener) panel.hidden = true;
  });
  rhythm.addEventListener("change", () => store.set("studio.chordRhythm", rhythm.value));
  comping.addEventListener("change", () => {
    store.set("studio.comping", comping.value);
    audio.comping = comping.value || null;
  });

  return {
    rhythm: () => rhythm.value,
    /** After each room update: a piece with chords shows the lane unless this person hid it here. */
    update(state) {
      const chosen = store.get(laneKey);
      show(chosen ? chosen === "shown" : Object.keys(state.chords ?? {}).length > 0, false);
    },
    show: (visible) => show(visible, true),
  };
}
