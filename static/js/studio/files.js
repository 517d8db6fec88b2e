// Taking music in and out: the export menu (MIDI, MusicXML, project, attribution) and import by file
// picker or by dropping a file onto the roll (it arrives as new tracks, one import event).

/**
 * POST a file to an import endpoint; resolves to the JSON answer or throws an Error with the server's message
 * (and its whole answer as `body`). `fields` are sent along as form fields.
 */
export async function uploadMusic(url, file, { quantize = false, title, fields = {} } = {}) {
  const form = new FormData();
  form.append("file", file);
  if (quantize) form.append("quantize", "true");
  if (title) form.append("title", title);
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const csrf = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] ?? "";
  const response = await fetch(url, { method: "POST", body: form, headers: { "X-CSRFToken": csrf },
    credentials: "same-origin" });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(body.error?.message ?? `the import failed (${response.status})`), { body });
  return body;
}

// Exports that are not the server's piece formats: the cue sheet, and sound rendered in the browser.
const OTHER_EXPORTS = { "cues-csv": (pieceId) => `/api/pieces/${pieceId}/cues/export/?format=csv` };

/**
 * @param {{pieceId: number, roll: HTMLElement, seq: () => number, flash: Function, exporters?: object}} parts
 *   exporters: {menu value: function} for exports made in the page (the WAV render)
 */
export function setupFiles({ pieceId, roll, seq, flash, exporters = {} }) {
  const menu = document.getElementById("export");
  menu.addEventListener("change", () => {
    if (exporters[menu.value]) exporters[menu.value]();
    else if (OTHER_EXPORTS[menu.value]) window.location.href = OTHER_EXPORTS[menu.value](pieceId);
    else if (menu.value) {
      const atSeq = document.getElementById("export-at-seq").checked ? `?seq=${seq()}` : "";
      window.location.href = `/api/pieces/${pieceId}/export/${menu.value}/${atSeq}`;
    }
    menu.value = "";
  });

  const picker = document.getElementById("import-file");
  const importFile = async (file) => {
    flash(`Importing ${file.name}…`);
    try {
      const result = await uploadMusic(`/api/pieces/${pieceId}/import/`, file,
        { quantize: document.getElementById("import-quantize").checked });
      flash([`Imported ${file.name}.`, ...(result.warnings ?? [])].join(" "));
    } catch (error) {
      flash(`${file.name}: ${error.message}`);
    }
  };
  document.getElementById("import-button").addEventListener("click", () => picker.click());
  picker.addEventListener("change", () => { if (picker.files[0]) importFile(picker.files[0]); picker.value = ""; });

  roll.addEventListener("dragover", (event) => { event.preventDefault(); roll.classList.add("drop"); });
  roll.addEventListener("dragleave", () => roll.classList.remove("drop"));
  roll.addEventListener("drop", (event) => {
    event.preventDefault();
    roll.classList.remove("drop");
    const file = event.dataTransfer?.files?.[0];
    if (file) importFile(file);
  });
}
