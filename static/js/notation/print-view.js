// The print view: the score (or the parts of ?tracks=) from the server's MusicXML export, drawn on A4 pages
// by OpenSheetMusicDisplay with the title and credits; the print stylesheet (static/css/score.css) prints
// only the pages. "Print or save as PDF…" opens the browser's print dialog.
import { Score } from "./score.js";

const script = document.getElementById("print-script");
const status = document.getElementById("print-status");
const button = document.getElementById("print");
const tracks = script.dataset.tracks;

async function draw() {
  const query = tracks ? `?tracks=${encodeURIComponent(tracks)}` : "";
  const response = await fetch(`/api/pieces/${script.dataset.piece}/export/musicxml/${query}`, { credentials: "same-origin" });
  if (!response.ok) throw new Error((await response.json()).error?.message ?? `HTTP ${response.status}`);
  const score = new Score(document.getElementById("print-score"), { drawTitle: true, drawComposer: true,
    drawCredits: false, pageFormat: "A4_P", pageBackgroundColor: "#FFFFFF" });
  await score.render(await response.text(), new Map(), () => false); // colours as written: AI notes in violet
  status.textContent = `Version ${response.headers.get("X-Piece-Seq")} of the piece.`;
  button.disabled = false;
  document.body.dataset.rendered = "yes";
}

button.addEventListener("click", () => window.print());
draw().catch((error) => {
  status.textContent = `The score could not be drawn: ${error.message}`;
  status.classList.add("error");
});
