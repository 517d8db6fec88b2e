// Inserting and deleting bars from the ruler: its context menu (right-click a bar number, or the menu
// key), and the Alt+I / Alt+Shift+I / Alt+Delete shortcuts. Each is one bars.* op, undoable.
import { barsDelete, barsInsert } from "../core/ops.js";

/**
 * @param {{roll: HTMLElement, view: () => object, edit: Function, status: HTMLElement}} parts
 */
export function setupBarMenu({ roll, view, edit, status }) {
  const menu = document.getElementById("bar-menu");
  let target = null; // the bar range the menu acts on

  /** The bars an action is about: the selected ones, or the bar under the playhead. */
  const chosen = () => {
    if (roll.bars) return roll.bars;
    const bar = Math.floor((roll.playhead ?? 0) / roll.barTicks());
    return [bar, bar + 1];
  };
  const actions = {
    "insert-before": (bars) => edit([barsInsert(bars[0])], { status, done: `Inserted a bar before bar ${bars[0] + 1}.` }),
    "insert-after": (bars) => edit([barsInsert(bars[1])], { status, done: `Inserted a bar after bar ${bars[1]}.` }),
    delete: (bars) => {
      const count = bars[1] - bars[0];
      if (count >= view().piece.bars) return edit([], { status, refused: "A piece keeps at least one bar." });
      roll.bars = null;
      return edit([barsDelete(bars[0], count)], { status,
        done: `Deleted ${count === 1 ? `bar ${bars[0] + 1}` : `bars ${bars[0] + 1}–${bars[1]}`} with its notes.` });
    },
  };

  const close = () => { menu.hidden = true; target = null; };
  const open = (bars, x, y) => {
    target = bars;
    menu.hidden = false;
    const box = menu.getBoundingClientRect();
    menu.style.left = `${Math.min(x, window.innerWidth - box.width - 4)}px`;
    menu.style.top = `${Math.min(y, window.innerHeight - box.height - 4)}px`;
    menu.querySelector("button").focus();
  };

  menu.addEventListener("click", (event) => {
    const item = event.target.closest("[data-bar-action]");
    if (!item || !target) return;
    const bars = target;
    close();
    actions[item.dataset.barAction](bars);
    roll.focus?.();
  });
  menu.addEventListener("keydown", (event) => {
    const items = [...menu.querySelectorAll("button")];
    const index = items.indexOf(document.activeElement);
    if (event.key === "Escape") { close(); roll.canvas.focus(); }
    if (event.key === "ArrowDown") items[(index + 1) % items.length].focus();
    if (event.key === "ArrowUp") items[(index - 1 + items.length) % items.length].focus();
    if (["Escape", "ArrowDown", "ArrowUp"].includes(event.key)) event.preventDefault();
  });
  document.addEventListener("pointerdown", (event) => { if (!menu.hidden && !menu.contains(event.target)) close(); });

  return {
    /** From the roll: a right-click on bar `bar` of the ruler. */
    openAt(bar, x, y) {
      const bars = roll.bars && bar >= roll.bars[0] && bar < roll.bars[1] ? roll.bars : [bar, bar + 1];
      open(bars, x, y);
    },
    /** From the keyboard: the menu for the chosen bars, under the ruler. */
    openForKeyboard() {
      const bars = chosen();
      const r = roll.getBoundingClientRect();
      open(bars, Math.max(r.left, Math.min(r.right - 200, r.left + roll.geometry.x(bars[0] * roll.barTicks()))), r.top + 28);
    },
    insertBefore: () => actions["insert-before"](chosen()),
    insertAfter: () => actions["insert-after"](chosen()),
    deleteBars: () => actions.delete(chosen()),
  };
}
