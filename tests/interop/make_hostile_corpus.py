"""Generate a corpus of broken and hostile MIDI, MusicXML and .mxl files, deterministically.

    python tests/interop/make_hostile_corpus.py OUTDIR

writes the files and ``manifest.json`` ([{"file", "kind", "expect", "why"}]). ``expect`` is
``refuse`` (the importer must refuse it with a clear message), ``import`` (benign: it must import)
or ``either`` (random mutations of valid files: refused clearly or imported, never anything else).
Nothing here imports Django or the studio; the corpus is generated at test time, never committed.
"""
import json
import sys
from pathlib import Path

try:
    from .hostile_midi import midi_cases
    from .hostile_musicxml import xml_cases
except ImportError:  # run as a script: python tests/interop/make_hostile_corpus.py OUTDIR
    from hostile_midi import midi_cases
    from hostile_musicxml import xml_cases


def generate(directory) -> list[dict]:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    manifest = []
    for kind, cases in (("midi", midi_cases()), ("xml", xml_cases())):
        for name, data, why, expect in cases:
            (directory / name).write_bytes(data)
            manifest.append({"file": name, "kind": kind, "expect": expect, "why": why, "bytes": len(data)})
    names = [m["file"] for m in manifest]
    assert len(names) == len(set(names)), "duplicate corpus names"
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest


if __name__ == "__main__":
    found = generate(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    print(f"{sum(m['kind'] == 'midi' for m in found)} MIDI and {sum(m['kind'] == 'xml' for m in found)} "
          "MusicXML/.mxl files")
