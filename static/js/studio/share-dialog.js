// "Share": the members (live: the room's `present` and `members` messages redraw it), their roles (the
// owner changes them), and invite links made and revoked through the JSON API — without reloading the
// studio, so undo history, the view and the AI settings stay as they were.
import { escapeHtml } from "../shared/html.js";
import { say } from "./status.js";

const ROLES = ["editor", "viewer", "researcher"];

/** fetch with the CSRF token; resolves to the JSON body or throws an Error with the server's message. */
async function api(method, url, body) {
  const csrf = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] ?? "";
  const response = await fetch(url, { method, credentials: "same-origin", headers: { "Content-Type": "application/json",
    "X-CSRFToken": csrf }, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error?.message ?? `the server answered ${response.status}`);
  return data;
}

/** @param {{pieceId: number, me: number, role: () => string, members: () => object[], present: () => Set}} studio */
export function setupShareDialog(studio) {
  const dialog = document.getElementById("share-dialog");
  const status = document.getElementById("share-status");
  const list = document.getElementById("members");
  const invites = document.getElementById("invites");
  const base = `/api/pieces/${studio.pieceId}`;

  const renderInvites = (found) => {
    invites.innerHTML = found.length ? found.map((i) => `<li class="${i.active ? "" : "revoked"}">
        <code>${escapeHtml(i.url)}</code> <span class="role">${escapeHtml(i.role)}</span>
        ${i.active ? `<button type="button" class="secondary small" data-copy="${escapeHtml(i.url)}">Copy</button>
          <button type="button" class="link" data-revoke="${escapeHtml(i.token)}">revoke</button>`
          : '<span class="role">revoked</span>'}</li>`).join("")
      : '<li class="hint">No invite links yet.</li>';
  };
  const loadInvites = async () => {
    if (studio.role() !== "owner") return;
    try { renderInvites((await api("GET", `${base}/invites/`)).invites); } catch (error) { say(status, error.message, { error: true }); }
  };

  document.getElementById("open-share").addEventListener("click", () => {
    document.getElementById("invites-box").hidden = studio.role() !== "owner";
    say(status, "");
    dialog.showModal();
    render(); // after opening: render() skips a closed dialog
    loadInvites();
  });

  document.getElementById("invite-create").addEventListener("click", async () => {
    try {
      const { invite } = await api("POST", `${base}/invites/`, { role: document.getElementById("invite-role").value });
      await loadInvites();
      say(status, `New ${invite.role} link ready: send it to whoever should join.`);
    } catch (error) {
      say(status, error.message, { error: true });
    }
  });

  invites.addEventListener("click", async (event) => {
    const copy = event.target.closest("[data-copy]");
    const revoke = event.target.closest("[data-revoke]");
    try {
      if (copy) {
        await navigator.clipboard.writeText(copy.dataset.copy);
        say(status, "Link copied.");
      } else if (revoke) {
        await api("DELETE", `${base}/invites/${encodeURIComponent(revoke.dataset.revoke)}/`);
        await loadInvites();
        say(status, "Link revoked: it no longer lets anyone in.");
      }
    } catch (error) {
      say(status, copy ? "Copying is not allowed here: select the link and copy it." : error.message, { error: true });
    }
  });

  list.addEventListener("change", async (event) => {
    const select = event.target.closest("[data-role-of]");
    if (!select) return;
    try {
      await api("PATCH", `${base}/members/${select.dataset.roleOf}/`, { role: select.value });
      say(status, "Role changed.");
    } catch (error) {
      say(status, error.message, { error: true });
    }
  });

  /** Redraw the members list (called on every room update; cheap, and skipped while closed). */
  function render() {
    if (!dialog.open) return;
    const owner = studio.role() === "owner";
    const present = studio.present();
    const focused = document.activeElement?.dataset?.roleOf;
    list.innerHTML = studio.members().map((m) => `<li data-user="${m.id}"><span class="dot" style="background:${
      escapeHtml(m.colour)}"></span>${escapeHtml(m.name)}${m.id === studio.me ? " (you)" : ""}
      ${present.has(m.id) ? '<span class="here">here now</span>' : ""}
      ${owner && m.role !== "owner" ? `<select data-role-of="${m.id}" aria-label="Role of ${escapeHtml(m.name)}">${
        ROLES.map((r) => `<option ${r === m.role ? "selected" : ""}>${r}</option>`).join("")}</select>`
        : `<span class="role">${escapeHtml(m.role)}</span>`}</li>`).join("");
    if (focused) list.querySelector(`[data-role-of="${focused}"]`)?.focus();
  }
  return { render };
}
