// Helpers for building HTML strings, shared by the studio and the history pages.

/** Text made safe to put inside HTML elements and quoted attributes. */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
