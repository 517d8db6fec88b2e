// The chord lane above the roll: the piece's chord symbols at their ticks, lined up with the roll's time
// axis (it redraws on the roll's `rendered` event, so it scrolls and zooms with it). Typing works as in
// Hookpad and MuseScore: click in the lane, on a chord or between (or Ctrl+K at the playhead), type a symbol, Tab to the next
// beat or bar (the harmonic rhythm), Shift+Tab back, Enter to finish, Escape to leave without this one.
// Chords move (drag, or arrows when focused), resize (drag the right edge, Shift+arrows) and delete
// (Delete). The rules are the pure core's (core/chord-lane.js); a symbol the parser cannot read gets its
// message next to the lane and changes nothing.
import {
  chordStartingAt, chordsBetween, moveChordOps, resizeChordOps, rhythmStep, snapPosition, stepPosition, typeChordOps,
} from "../core/chord-lane.js";
import { chordDelete } from "../core/ops.js";
import { beatTicks, formatPosition } from "../core/ticks.js";
import { KEYS_WIDTH } from "../roll/geometry.js";
import { say } from "./status.js";

const EDGE_PX = 6;

/**
 * @param {{roll: HTMLElement, view: () => object, edit: Function, mayEdit: () => boolean, members: () => object[],
 *          rhythm: () => string}} parts
 */
export function setupChordLane({ roll, view, edit, mayEdit, members, rhythm }) {
  const $ = (id) => document.getElementById(id);
  const lane = $("chord-lane");
  const body = $("chord-lane-body");
  const input = $("chord-input");
  const status = $("chord-status");
  const shown = new Map(); // chord id -> its button
  let typing = null; // {tick} while the input is open
  let ghosts = null; // {chords, start, end} of the AI candidate shown, or null
  const ghostEls = [];
  let gesture = null;

  const piece = () => view().piece;
  const end = () => piece().bars * roll.barTicks();
  const options = () => ({ timeSignature: piece().time_signature, rhythm: rhythm(), end: end() });
  const g = () => roll.geometry;
  const tickAt = (clientX) => g().tick(clientX - lane.getBoundingClientRect().left);
  const where = (tick) => formatPosition(tick, piece().time_signature);

  function author(chord) {
    const who = chord.author;
    if (who?.kind === "model") return `AI (${who.name})` + (chord.job ? `, job ${chord.job}` : "");
    return members().find((m) => m.id === who?.id)?.name ?? "someone";
  }

  function render() {
    const state = view();
    if (!state || lane.hidden) return;
    const width = body.clientWidth;
    const from = g().tick(KEYS_WIDTH);
    const to = g().tick(KEYS_WIDTH + width);
    const seen = new Set();
    for (const chord of chordsBetween(state, from, to)) {
      seen.add(chord.id);
      let button = shown.get(chord.id);
      if (!button) {
        button = document.createElement("button");
        button.type = "button";
        button.className = "chord";
        button.dataset.id = chord.id;
        body.append(button);
        shown.set(chord.id, button);
      }
      const left = g().x(chord.start) - KEYS_WIDTH;
      button.style.left = `${left}px`;
      button.style.width = `${Math.max(8, chord.duration * g().pixelsPerTick - 2)}px`;
      button.textContent = chord.symbol;
      button.classList.toggle("ai", chord.author?.kind === "model");
      button.classList.toggle("covered", !!ghosts && ghosts.start <= chord.start && chord.start < ghosts.end);
      button.title = `${chord.symbol} at ${where(chord.start)}, by ${author(chord)}`
        + (chord.accepted_by ? `, accepted by ${author({ author: chord.accepted_by })}` : "");
      button.setAttribute("aria-label", button.title);
    }
    for (const [id, button] of shown) {
      if (!seen.has(id)) { button.remove(); shown.delete(id); }
    }
    renderGhosts();
    if (typing) place(typing.tick);
  }

  /** An AI candidate's chords, drawn over the lane like ghost notes over the roll (not editable). */
  function renderGhosts() {
    for (const el of ghostEls.splice(0)) el.remove();
    for (const chord of ghosts?.chords ?? []) {
      const el = document.createElement("span");
      el.className = "chord ghost";
      el.style.left = `${g().x(chord.start) - KEYS_WIDTH}px`;
      el.style.width = `${Math.max(8, chord.duration * g().pixelsPerTick - 2)}px`;
      el.textContent = chord.symbol;
      el.title = `AI candidate: ${chord.symbol} at ${where(chord.start)}`;
      body.append(el);
      ghostEls.push(el);
    }
  }

  function place(tick) {
    input.style.left = `${Math.max(0, g().x(tick) - KEYS_WIDTH)}px`;
  }

  // -- typing -------------------------------------------------------------------------------------------

  function open(tick) {
    if (!mayEdit()) return;
    typing = { tick };
    input.value = chordStartingAt(view(), tick)?.symbol ?? "";
    input.hidden = false;
    input.setAttribute("aria-label", `Chord symbol at ${where(tick)}`);
    roll.follow(tick);
    roll.render();
    place(tick);
    input.focus();
    input.select();
  }

  function close() {
    typing = null;
    input.hidden = true;
  }

  /** Write what was typed; false (input kept open, the parser's message shown) when it cannot be. */
  function commit() {
    let ops;
    try {
      ops = typeChordOps(view(), typing.tick, input.value, options());
    } catch (error) {
      say(status, error.message, { error: true });
      return false;
    }
    say(status, "");
    return ops.length ? edit(ops, { status }) !== false : true;
  }

  input.addEventListener("keydown", (event) => {
    if (!typing) return;
    event.stopPropagation(); // keys typed here are never studio shortcuts
    if (event.key === "Escape") { event.preventDefault(); close(); say(status, ""); return; }
    if (event.key === "Enter") { event.preventDefault(); if (commit()) close(); return; }
    if (event.key === "Tab") {
      event.preventDefault();
      if (!commit()) return;
      const next = stepPosition(typing.tick, event.shiftKey ? -1 : 1, options());
      if (next === null) close(); else open(next);
    }
  });
  input.addEventListener("blur", () => { // clicking elsewhere keeps what was typed, as in MuseScore
    if (typing && document.activeElement !== input) { commit(); close(); }
  });

  // -- pointer: click to type, drag to move, drag the right edge to resize, double-click to edit ----------

  body.addEventListener("pointerdown", (event) => {
    if (event.target === input || event.button !== 0) return;
    const button = event.target.closest(".chord");
    if (!button) { event.preventDefault(); open(snapPosition(tickAt(event.clientX), options())); return; }
    const chord = view().chords[button.dataset.id];
    if (!chord || !mayEdit()) return;
    const rect = button.getBoundingClientRect();
    const resizing = event.clientX >= rect.right - EDGE_PX;
    const origin = event.clientX;
    const beat = beatTicks(piece().time_signature);
    const snap = (dx) => Math.round(dx / g().pixelsPerTick / beat) * beat;
    button.setPointerCapture(event.pointerId);
    gesture = {
      move(e) {
        const delta = snap(e.clientX - origin);
        if (resizing) button.style.width = `${Math.max(8, (chord.duration + delta) * g().pixelsPerTick - 2)}px`;
        else button.style.left = `${g().x(chord.start + delta) - KEYS_WIDTH}px`;
      },
      up(e) {
        if (!resizing && Math.abs(e.clientX - origin) < 4) { // a click, not a drag: type there
          open(snapPosition(tickAt(e.clientX), options()));
          return;
        }
        const delta = snap(e.clientX - origin);
        const ops = resizing ? resizeChordOps(view(), chord.id, chord.duration + delta, end(), beat)
          : moveChordOps(view(), chord.id, delta, end());
        if (ops.length) edit(ops, { status });
        render();
      },
    };
  });
  body.addEventListener("pointermove", (event) => {
    if (gesture) return gesture.move(event);
    const button = event.target.closest(".chord");
    body.style.cursor = button && event.clientX >= button.getBoundingClientRect().right - EDGE_PX ? "ew-resize" : "text";
    return undefined;
  });
  body.addEventListener("pointerup", (event) => { const done = gesture; gesture = null; done?.up(event); });
  body.addEventListener("dblclick", (event) => {
    const chord = view().chords[event.target.closest(".chord")?.dataset.id];
    if (chord) open(chord.start);
  });

  // -- keys on a focused chord ---------------------------------------------------------------------------

  body.addEventListener("keydown", (event) => {
    const chord = view().chords[event.target.closest?.(".chord")?.dataset.id];
    if (!chord || event.target === input) return;
    const step = rhythmStep(piece().time_signature, rhythm());
    let ops = null;
    if (event.key === "Enter" || event.key === "F2") { event.preventDefault(); event.stopPropagation(); open(chord.start); return; }
    if (event.key === "Delete" || event.key === "Backspace") ops = [chordDelete(chord.id)];
    else if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
      const sign = event.key === "ArrowRight" ? 1 : -1;
      ops = event.shiftKey ? resizeChordOps(view(), chord.id, chord.duration + sign * step, end(), beatTicks(piece().time_signature))
        : moveChordOps(view(), chord.id, sign * step, end());
    }
    if (ops === null) return;
    event.preventDefault();
    event.stopPropagation(); // not the roll's shortcuts for the same keys
    if (ops.length && mayEdit()) edit(ops, { status });
  });

  roll.addEventListener("rendered", render);
  return {
    render,
    /** Type a chord at the playhead (Ctrl+K). */
    typeAtPlayhead() {
      if (lane.hidden) return;
      open(snapPosition(roll.playhead ?? g().scrollTick, options()));
    },
    get typing() { return typing; },
    /** Show an AI candidate's chords ({chords, bars: [first, after last]}), or none (null). */
    showGhosts(candidate) {
      ghosts = candidate?.chords?.length ? { chords: candidate.chords, start: candidate.bars[0] * roll.barTicks(),
        end: candidate.bars[1] * roll.barTicks() } : null;
      if (ghosts && lane.hidden) $("show-chords")?.click(); // the lane opens to show them
      render();
    },
  };
}
