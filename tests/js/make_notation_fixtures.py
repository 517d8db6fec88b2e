"""Write tests/js/fixtures/notation.json: where the MusicXML export puts each note, read out of the export.

    .venv/bin/python tests/js/make_notation_fixtures.py

The notation pane renders the export and finds each drawn note's id again by its part, its written start and
its pitch (static/js/core/notation.js: noteKeys). For a few pieces (some limited to chosen tracks, as a
part for one player is), this reads every note the export wrote (not the tied continuations) and records
its part index, absolute tick and MIDI pitch with the ids of the piece's notes there; tests/js/notation.test.mjs
checks that noteKeys gives the same. Deterministic (fixed seeds).
"""
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from composer_ui.interop import musicxml_export  # noqa: E402
from composer_ui.state import bar_ticks  # noqa: E402
from tests.interop.pieces import make_state  # noqa: E402

OUT = ROOT / "tests" / "js" / "fixtures" / "notation.json"
STEPS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def written_keys(xml: bytes, bar: int) -> set:
    """{(part index, tick, pitch)} of every note that starts in the score (ties' continuations left out)."""
    found = set()
    for part_index, part in enumerate(ET.fromstring(xml).iter("part")):
        for number, measure in enumerate(part.iter("measure")):
            start, cursor, last = number * bar, 0, 0
            for element in measure:
                if element.tag == "backup":
                    cursor -= int(element.findtext("duration"))
                elif element.tag == "forward":
                    cursor += int(element.findtext("duration"))
                elif element.tag == "note":
                    at = last if element.find("chord") is not None else cursor
                    if element.find("pitch") is not None and element.find("tie[@type='stop']") is None:
                        pitch = element.find("pitch")
                        midi = (int(pitch.findtext("octave")) + 1) * 12 + STEPS[pitch.findtext("step")] \
                            + int(pitch.findtext("alter") or 0)
                        found.add((part_index, start + at, midi))
                    if element.find("chord") is None:
                        last = cursor
                        cursor += int(element.findtext("duration"))
    return found


def case(seed, track_ids=None, **kwargs):
    state = make_state(seed, quantized=False, **kwargs)
    xml = musicxml_export.to_musicxml(state, track_ids=track_ids)
    return {"state": {"piece": state["piece"], "tracks": state["tracks"], "notes": state["notes"]},
            "track_ids": track_ids, "bar_ticks": bar_ticks(state["piece"]),
            "written": sorted(f"{p}|{t}|{m}" for p, t, m in written_keys(xml, bar_ticks(state["piece"])))}


def quantize_cases():
    cases = []
    for start in (0, 7, 59, 60, 61, 160, 479, 9_990):
        for duration in (1, 59, 60, 100, 480, 1_000):
            cases.append([start, duration, 10_000, list(musicxml_export.quantize_for_notation(start, duration, 10_000))])
    return cases


def fixtures() -> dict:
    return {"quantize": quantize_cases(),
            "pieces": [case(1, tracks=3, notes=90), case(2, tracks=2, notes=60, time_signature=(3, 4)),
                       case(3, tracks=4, notes=80, track_ids=["t1", "t3"]), case(4, tracks=2, notes=50, time_signature=(6, 8))]}


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(fixtures(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT}")
