// The piece list's "import a file as a new piece": upload, then open the new piece.
import { uploadMusic } from "./studio/files.js";

const form = document.getElementById("import-piece");
form?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const status = document.getElementById("import-status");
  const file = form.querySelector("input[type=file]").files[0];
  if (!file) { status.textContent = "Choose a MIDI, MusicXML (.musicxml, .mxl) or studio project file."; return; }
  status.textContent = `Importing ${file.name}…`;
  try {
    const result = await uploadMusic("/api/pieces/import/", file,
      { quantize: form.querySelector("[name=quantize]").checked });
    window.location.href = `/pieces/${result.piece.id}/`;
  } catch (error) {
    status.textContent = `${file.name}: ${error.message}`;
  }
});
