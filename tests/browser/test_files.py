"""Taking music in and out of the studio in the browser: export menu, drop a file, import a new piece."""
import base64
import io

import pretty_midi

from .studio_helpers import chorale, notes, open_studio, sign_up


def small_midi() -> bytes:
    midi = pretty_midi.PrettyMIDI(resolution=480, initial_tempo=100)
    cello = pretty_midi.Instrument(program=42, name="Cello")
    for i, pitch in enumerate([48, 50, 52, 53]):
        cello.notes.append(pretty_midi.Note(velocity=80, pitch=pitch, start=i * 0.6, end=i * 0.6 + 0.6))
    midi.instruments.append(cello)
    buffer = io.BytesIO()
    midi.write(buffer)
    return buffer.getvalue()


DROP = """([name, b64]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, { type: "audio/midi" }));
  document.getElementById("roll").dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true }));
}"""


def test_export_menu_and_dropping_a_midi_file(studio_server, new_page, tmp_path):
    base = studio_server.url
    page = new_page()
    sign_up(page, base, "fay")
    piece_id = chorale(page, "Files")
    open_studio(page, base, piece_id)
    with page.expect_download() as download:
        page.select_option("#export", "midi")
    assert download.value.suggested_filename.endswith(".mid")
    path = tmp_path / "export.mid"
    download.value.save_as(path)
    exported = pretty_midi.PrettyMIDI(str(path))
    assert sum(len(i.notes) for i in exported.instruments) == 16

    page.evaluate(DROP, ["cello.mid", base64.b64encode(small_midi()).decode()])
    page.wait_for_function("window.studio.room.view.tracks.length === 5")
    imported = [n for n in notes(page) if n["track"] == page.evaluate("window.studio.room.view.tracks[4].id")]
    assert sorted(n["pitch"] for n in imported) == [48, 50, 52, 53]


def test_import_a_file_as_a_new_piece_from_the_list(studio_server, new_page, tmp_path):
    page = new_page()
    sign_up(page, studio_server.url, "gil")
    path = tmp_path / "tune.mid"
    path.write_bytes(small_midi())
    page.set_input_files("#import-piece-file", str(path))
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_url("**/pieces/*/")
    page.wait_for_function("window.studio && window.studio.room.ready")
    assert sorted(n["pitch"] for n in notes(page)) == [48, 50, 52, 53]
