"""
The reach table: every meter people use x four textures x the four operations, each asked of the
model once and marked served (with the notes it wrote) or refused (with the model's reason).

Textures: a melody alone; a melody and a bass; four voices; eight tracks, one of them a piano
playing chords, one a drum kit. "harmonize" writes every track but the melody (a melody alone
gets an empty Bass track to write, as the studio's "Harmonize this melody" adds tracks).

    python -m engine.reach [--checkpoint PATH]
"""
from __future__ import annotations

import argparse

from engine.api import GenerateRequest, Note, Piece, RequestError, Region, Track
from engine.probes import bar_ticks

METERS = ["2/4", "3/4", "4/4", "2/2", "3/2", "4/2", "6/8", "9/8", "12/8", "3/8", "6/4", "5/4", "7/8"]
TEXTURES = ["melody", "melody + bass", "4 voices", "8 tracks, chordal piano"]
OPERATIONS = ["continue", "infill", "harmonize", "vary"]
SCALE = [60, 62, 64, 65, 67, 69, 71, 72]


def beat_ticks(meter):
    num, den = map(int, meter.split("/"))
    compound = den == 8 and num % 3 == 0 and num > 3
    return 1920 // den * (3 if compound else 1)


def texture(name, meter, bars=4):
    """(tracks, notes) of `bars` bars of plain music in C major in `meter`."""
    bar, beat = bar_ticks(meter), beat_ticks(meter)
    beats = [(b * bar + t, i) for b in range(bars) for i, t in enumerate(range(0, bar, beat))]
    melody = [Note("mel", s, beat, SCALE[(k * 3 + i) % 8] + 12, 90) for k, (s, i) in enumerate(beats)]
    bass = [Note("bass", b * bar, bar, [48, 43, 45, 41][b % 4], 80) for b in range(bars)]
    if name == "melody":
        return [Track("mel", "Melody")], melody
    if name == "melody + bass":
        return [Track("mel", "Melody"), Track("bass", "Bass")], melody + bass
    inner = [Note(v, b * bar, bar, p + [0, 2, -1, 0][b % 4], 80) for b in range(bars)
             for v, p in (("alto", 64), ("tenor", 55))]
    if name == "4 voices":
        return [Track(t, t) for t in ("mel", "alto", "tenor", "bass")], melody + inner + bass
    piano = [Note("piano", s, beat, p, 70) for s, _ in beats for p in (60, 64, 67)]
    drums = [Note("drums", s, 120, 36, 100) for s, _ in beats]
    pad = [Note("strings", b * bar, bar, 72, 60) for b in range(bars)]
    flute = [Note("flute", n.start, n.duration, n.pitch + 12, 70) for n in melody]
    tracks = [Track(t, t) for t in ("mel", "alto", "tenor", "bass", "piano", "strings", "flute")]
    return tracks + [Track("drums", "Drums", drums=True)], melody + inner + bass + piano + drums + pad + flute


def request(op, name, meter):
    tracks, notes = texture(name, meter)
    written = ["mel"]
    if op == "harmonize":
        if len(tracks) == 1:
            tracks, written = tracks + [Track("new", "Bass")], ["new"]
        else:
            written = [str(t.id) for t in tracks if t.id not in ("mel", "drums")][:3]
        region = Region(written, 0, 4)
    elif op == "continue":
        region = Region(written, 4, 6)
    else:
        region = Region(["piano"] if name.startswith("8") else written, 1, 3)
    return GenerateRequest(op, Piece(tracks, notes, meter, "C major", bars=4), region, num_candidates=1, seed=1)


def run(gen):
    rows = []
    for meter in METERS:
        for name in TEXTURES:
            cells = []
            for op in OPERATIONS:
                try:
                    res = gen.generate(request(op, name, meter))
                    cells.append(f"served ({len(res.candidates[0].notes)} notes)")
                except RequestError as e:
                    cells.append(f"refused: {str(e)[:90]}")
            rows.append((meter, name, cells))
    return rows


def report(gen):
    rows = run(gen)
    served = sum(c.startswith("served") for _, _, cells in rows for c in cells)
    print(f"\n### Reach: {len(METERS)} meters x {len(TEXTURES)} textures x {len(OPERATIONS)} operations "
          f"({served} of {len(rows) * len(OPERATIONS)} served)\n")
    print("| meter | texture | " + " | ".join(OPERATIONS) + " |")
    print("|---|---|" + "---|" * len(OPERATIONS))
    for meter, name, cells in rows:
        print(f"| {meter} | {name} | " + " | ".join(cells) + " |")
    return rows


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", default=None)
    args = ap.parse_args()
    from engine.neural import NeuralGenerator
    report(NeuralGenerator(args.checkpoint, device="cpu"))
