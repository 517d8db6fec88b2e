// Keyboard shortcuts as data, matched on KeyboardEvent.code so they work on every layout.
// Ctrl and Cmd are one modifier ("mod"). The help overlay (?) is generated from this table.

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
  { code: "ArrowUp", action: "transpose-up", label: "Transpose selection up a semitone" },
  { code: "ArrowDown", action: "transpose-down", label: "Transpose selection down a semitone" },
  { code: "ArrowUp", shift: true, action: "octave-up", label: "Transpose selection up an octave" },
  { code: "ArrowDown", shift: true, action: "octave-down", label: "Transpose selection down an octave" },
  { code: "ArrowRight", alt: true, action: "nudge-right", label: "Nudge selection one grid step later" },
  { code: "ArrowLeft", alt: true, action: "nudge-left", label: "Nudge selection one grid step earlier" },
  { code: "Delete", action: "delete", label: "Delete selection" },
  { code: "Backspace", action: "delete", label: "Delete selection" },
  { code: "KeyQ", action: "quantize", label: "Quantize selection to the grid" },
  { code: "KeyU", mod: true, action: "quantize", label: "Quantize selection to the grid" },
  { code: "KeyA", mod: true, action: "select-all", label: "Select all notes of the visible tracks" },
  { code: "Escape", action: "select-none", label: "Clear the selection / close panels" },
  { code: "KeyC", mod: true, action: "copy", label: "Copy" },
  { code: "KeyX", mod: true, action: "cut", label: "Cut" },
  { code: "KeyV", mod: true, action: "paste", label: "Paste at the playhead" },
  { code: "KeyD", mod: true, action: "duplicate", label: "Duplicate selection after itself" },
  { code: "KeyZ", mod: true, action: "undo", label: "Undo your last edit" },
  { code: "KeyZ", mod: true, shift: true, action: "redo", label: "Redo" },
  { code: "KeyY", mod: true, action: "redo", label: "Redo" },
  { code: "KeyG", mod: true, action: "ai-open", label: "Ask the AI about the selected bars" },
  { code: "BracketRight", action: "candidate-next", label: "Next AI candidate" },
  { code: "BracketLeft", action: "candidate-previous", label: "Previous AI candidate" },
  { code: "KeyA", alt: true, action: "candidate-accept", label: "Accept the shown AI candidate" },
  { code: "KeyR", alt: true, action: "candidate-reject", label: "Reject the AI proposal" },
  { code: "Slash", shift: true, action: "help", label: "Show these shortcuts" },
];

/**
 * The action for a key event, or null. Keys typed into form fields are never shortcuts.
 * @param {KeyboardEvent} event
 * @returns {string|null}
 */
export function actionFor(event) {
  const target = event.target;
  if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return null;
  const mod = event.ctrlKey || event.metaKey;
  const found = SHORTCUTS.find((s) => s.code === event.code && !!s.mod === mod && !!s.shift === event.shiftKey
    && !!s.alt === event.altKey);
  return found ? found.action : null;
}

/** "Ctrl+Shift+Z"-style label of a shortcut, for the help overlay. */
export function keyLabel(shortcut) {
  const mac = typeof navigator !== "undefined" && /Mac/.test(navigator.platform);
  const key = shortcut.code.replace(/^Key|^Digit/, "").replace("Arrow", "").replace("Bracket", "Bracket ")
    .replace("Slash", "?");
  return [shortcut.mod && (mac ? "⌘" : "Ctrl"), shortcut.alt && (mac ? "⌥" : "Alt"),
    shortcut.shift && shortcut.code !== "Slash" && "Shift", key].filter(Boolean).join("+");
}
