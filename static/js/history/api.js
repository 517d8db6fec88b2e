// JSON over HTTP for the history pages: errors come back as {"error": {"code", "message"}} and are
// thrown as Errors carrying the server's message.

async function answer(response) {
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error?.message ?? `the server answered ${response.status}`);
  return body;
}

export async function getJson(url) {
  return answer(await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }));
}

/** POST with Django's CSRF token from its cookie, as the rest of the studio does. */
export async function postJson(url, body = {}) {
  const csrf = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] ?? "";
  return answer(await fetch(url, { method: "POST", credentials: "same-origin", body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" } }));
}

/** The config a page's template gives its script, as JSON in a <script type="application/json">. */
export function pageConfig(id) {
  return JSON.parse(document.getElementById(id).textContent);
}
