"""A real notation program reads the studio's MusicXML: MuseScore 3 converts a lead sheet with a piano and a
bass line, and its own MusicXML keeps our clefs, the piano's grand staff and every chord symbol. The page
MuseScore renders is kept as docs/screenshots/musescore-lead-sheet.png (look at it: clefs and symbols)."""
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from composer_ui.interop import musicxml_export
from composer_ui.interop.harmony import symbol_from_harmony

from .lead_sheet import lead_sheet_state

MSCORE = shutil.which("mscore3")
SCREENSHOT = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "screenshots", "musescore-lead-sheet.png")
pytestmark = pytest.mark.skipif(MSCORE is None, reason="MuseScore 3 is not installed (apt-get install musescore3; "
                                                         ".ci/run installs it)")


def mscore(*args):
    subprocess.run([MSCORE, *args], env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, timeout=180, check=True,
                   capture_output=True)


def harmony_symbol(element) -> str | None:
    """A <harmony> as MuseScore wrote it, read back through the studio's table."""
    def step_alter(node, prefix):
        return (node.findtext(f"{prefix}-step"), int(float(node.findtext(f"{prefix}-alter") or 0))) if node is not None else None
    degrees = [(int(d.findtext("degree-value")), int(float(d.findtext("degree-alter") or 0)), d.findtext("degree-type"))
               for d in element.findall("degree")]
    return symbol_from_harmony(step_alter(element.find("root"), "root"), element.findtext("kind"), degrees,
                               step_alter(element.find("bass"), "bass"))


def test_musescore_keeps_the_studios_clefs_grand_staff_and_chord_symbols(tmp_path):
    state = lead_sheet_state()
    source = tmp_path / "lead-sheet.musicxml"
    source.write_bytes(musicxml_export.to_musicxml(state, {1: "Ana"}))
    mscore("-o", str(tmp_path / "back.musicxml"), str(source))
    root = ET.parse(tmp_path / "back.musicxml").getroot()
    names = {p.get("id"): p.findtext("part-name") for p in root.iter("score-part")}
    clefs = {}
    for part in root.iter("part"):
        attributes = part.find("measure/attributes")
        clefs[names[part.get("id")]] = [(c.findtext("sign"), c.findtext("line"), c.findtext("clef-octave-change"))
                                        for c in attributes.findall("clef")]
    assert clefs == {"Melody": [("G", "2", None)], "Piano": [("G", "2", None), ("F", "4", None)],
                     "Bass": [("F", "4", None)]}
    found = [harmony_symbol(h) for h in root.iter("harmony")]
    expected = [c["symbol"] for c in sorted(state["chords"].values(), key=lambda c: c["start"])]
    assert found == expected

    mscore("-T", "20", "-r", "110", "-o", str(tmp_path / "page.png"), str(source))
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages
    os.makedirs(os.path.dirname(SCREENSHOT), exist_ok=True)
    shutil.copyfile(pages[0], SCREENSHOT)
