// Keyboard shortcuts as data, matched on KeyboardEvent.code so they work on every layout.
// Ctrl and Cmd are one modifier ("mod"). The help overlay (?) and the table in docs/studio.md are both
// generated from this table (tests/js/keymap.test.mjs fails when the docs fall behind).

/** @typedef {{code: string, mod?: boolean, shift?: boolean, alt?: boolean, action: string, label: string}} Shortcut */

/** @type {Shortcut[]} */
export const SHORTCUTS = [
  { code: "Space", action: "play-toggle", label: "Play / stop" },
  { code: "Enter", action: "stop", label: "Stop and return to the loop start" },
  { code: "KeyL", action: "loop-toggle", label: "Loop the selected bars on / off" },
  { code: "KeyR", action: "record-step", label: "Step recording from a MIDI keyboard on / off" },
  { code: "KeyB", action: "tool-draw", label: "Draw tool" },
  { code: "Digit1", action: "tool-draw", label: "Draw tool" },
  { code: "KeyE", action: "tool-select", label: "Select tool" },
  { code: "Digit2", action: "tool-select", label: "Select tool" },
  { code: "ArrowUp", action: "transpose-up", label: "Transpose selection up a semitone (no selection: caret up)" },
  { code: "ArrowDown", action: "transpose-down", label: "Transpose selection down a semitone (no selection: caret down)" },
  { code: "ArrowUp", shift: true, action: "octave-up", label: "Transpose selection up an octave" },
  { code: "ArrowDown", shift: true, action: "octave-down", label: "Transpose selection down an octave" },
  { code: "ArrowRight", action: "caret-right", label: "Move the caret and playhead one grid step later" },
  { code: "ArrowLeft", action: "caret-left", label: "Move the caret and playhead one grid step earlier" },
  { code: "KeyN", action: "caret-note", label: "Write a note at the caret on the active track" },
  { code: "ArrowRight", alt: true, action: "nudge-right", label: "Nudge selection one grid step later" },
  { code: "ArrowLeft", alt: true, action: "nudge-left", label: "Nudge selection one grid step earlier" },
  { code: "Delete", action: "delete", label: "Delete selection" },
  { code: "Backspace", action: "delete", label: "Delete selection" },
  { code: "KeyQ", action: "quantize", label: "Quantize selection to the grid" },
  { code: "KeyU", mod: true, action: "quantize", label: "Quantize selection to the grid" },
  { code: "KeyA", mod: true, action: "select-all", label: "Select all notes of the active track" },
  { code: "Escape", action: "select-none", label: "Clear the selection / close panels" },
  { code: "KeyC", mod: true, action: "copy", label: "Copy" },
  { code: "KeyX", mod: true, action: "cut", label: "Cut" },
  { code: "KeyV", mod: true, action: "paste", label: "Paste at the playhead" },
  { code: "KeyD", action: "duplicate", label: "Duplicate selection right after itself" },
  { code: "KeyD", mod: true, action: "duplicate", label: "Duplicate selection right after itself" },
  { code: "KeyZ", mod: true, action: "undo", label: "Undo your last edit" },
  { code: "KeyZ", mod: true, shift: true, action: "redo", label: "Redo" },
  { code: "KeyY", mod: true, action: "redo", label: "Redo" },
  { code: "KeyI", alt: true, action: "bars-insert-before", label: "Insert a bar before the selected bars" },
  { code: "KeyI", alt: true, shift: true, action: "bars-insert-after", label: "Insert a bar after the selected bars" },
  { code: "Delete", alt: true, action: "bars-delete", label: "Delete the selected bars" },
  { code: "ContextMenu", action: "bar-menu", label: "Bar menu (insert, delete) at the selected bars" },
  { code: "Equal", action: "zoom-in", label: "Zoom in (time)" },
  { code: "Minus", action: "zoom-out", label: "Zoom out (time)" },
  { code: "Equal", shift: true, action: "rows-larger", label: "Taller rows (vertical zoom)" },
  { code: "Minus", shift: true, action: "rows-smaller", label: "Shorter rows (vertical zoom)" },
  { code: "KeyF", action: "zoom-fit", label: "Fit the piece and its notes in view" },
  { code: "KeyG", mod: true, action: "ai-open", label: "Ask the AI about the selected bars" },
  { code: "KeyK", mod: true, action: "chord-type", label: "Type a chord symbol at the playhead (then Tab, Shift+Tab, Enter, Escape)" },
  { code: "BracketRight", action: "candidate-next", label: "Next AI candidate" },
  { code: "BracketLeft", action: "candidate-previous", label: "Previous AI candidate" },
  { code: "KeyA", alt: true, action: "candidate-accept", label: "Accept the shown AI candidate" },
  { code: "KeyR", alt: true, action: "candidate-reject", label: "Reject the AI proposal" },
  { code: "Slash", shift: true, action: "help", label: "Show these shortcuts" },
];

// Elements that Space and Enter belong to when focused: pressing a focused button must press it.
const OWN_THEIR_KEYS = "button, a[href], summary, select, [role=button], [role=menuitem], [role=checkbox], [role=link]";
const TYPING = ["INPUT", "TEXTAREA", "SELECT"];

/**
 * The action for a key event, or null. Keys typed into form fields are never shortcuts, Space and Enter
 * on a focused control press that control, and nothing inside an open dialog is a studio shortcut.
 * @param {KeyboardEvent} event
 * @returns {string|null}
 */
export function actionFor(event) {
  const target = event.target;
  if (target && (target.isContentEditable || TYPING.includes(target.tagName))) return null;
  if (target?.closest?.("dialog, [role=menu]")) return null;
  if ((event.code === "Space" || event.code === "Enter") && target?.closest?.(OWN_THEIR_KEYS)) return null;
  const mod = event.ctrlKey || event.metaKey;
  const found = SHORTCUTS.find((s) => s.code === event.code && !!s.mod === mod && !!s.shift === event.shiftKey
    && !!s.alt === event.altKey);
  return found ? found.action : null;
}

/** "Ctrl+Shift+Z"-style label of a shortcut, for the help overlay and the docs. */
export function keyLabel(shortcut, { mac = typeof navigator !== "undefined" && /Mac/.test(navigator.platform) } = {}) {
  const names = { Equal: "=", Minus: "-", Slash: "?", BracketRight: "]", BracketLeft: "[", ContextMenu: "Menu key" };
  const key = names[shortcut.code] ?? shortcut.code.replace(/^Key|^Digit/, "").replace("Arrow", "");
  const arrows = { Up: "↑", Down: "↓", Left: "←", Right: "→" };
  return [shortcut.mod && (mac ? "⌘" : "Ctrl"), shortcut.alt && (mac ? "⌥" : "Alt"),
    shortcut.shift && shortcut.code !== "Slash" && "Shift", arrows[key] ?? key].filter(Boolean).join("+");
}

/** The shortcuts table in Markdown (docs/studio.md holds exactly this between its markers). */
export function shortcutsMarkdown() {
  const rows = SHORTCUTS.map((s) => `| ${keyLabel(s, { mac: false }).replace(/\|/g, "\\|")} | ${s.label} |`);
  return ["| Key | What it does |", "|---|---|", ...rows].join("\n");
}
