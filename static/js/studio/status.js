// Messages shown where the person is looking: each part of the page has its own status line next to
// its buttons (the track list, the AI's Ask and Accept rows, each dialog, the roll), and `say` writes
// one. Errors stay until the next message there; other news fades after a while.

const timers = new WeakMap();

/**
 * @param {HTMLElement} element a status line (role="status")
 * @param {string} text
 * @param {{error?: boolean, ms?: number}} [options] ms: how long news stays (0: until replaced)
 */
export function say(element, text, { error = false, ms = 6000 } = {}) {
  if (!element) return;
  clearTimeout(timers.get(element));
  element.textContent = text;
  element.title = text; // a one-line status (under the roll) shows the rest on hover
  element.classList.toggle("error", error);
  if (text && !error && ms) timers.set(element, setTimeout(() => { element.textContent = ""; }, ms));
}
