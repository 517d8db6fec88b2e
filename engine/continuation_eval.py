"""
Do continuations move like the music they continue? Melodies written for this check (in no
corpus), in several keys and in 4/4, 3/4, 6/8 and 2/4: each is harmonized by the model, then its
melody is continued by four bars, alone and with all four voices, inside a 16-bar piece (a
studio piece is longer than its notes). The melody's statistics in the new bars are printed
next to the given bars'.

    python -m engine.continuation_eval [--checkpoint PATH] [--seeds 3]
"""
from __future__ import annotations

import argparse

import numpy as np

from engine.api import Controls, GenerateRequest, Note, Piece, Region, Track
from engine.probes import bar_ticks as ticks_per_bar

Q = 480
# (name, key, meter, [(pitch, quarters)]): four bars each, written for this check.
MELODIES = [
    ("hymn", "G major", "4/4", [(67, 1), (71, 1), (74, 1), (72, 1), (71, 2), (69, 1), (67, 1),
                                (69, 1), (71, 1), (72, 1), (74, 1), (71, 3), (67, 1)]),
    ("minor waltz", "d minor", "3/4", [(62, 2), (65, 1), (69, 2), (67, 1), (65, 1), (64, 1), (62, 1),
                                       (61, 3)]),
    ("march", "B- major", "4/4", [(70, 1), (70, 0.5), (72, 0.5), (74, 1), (70, 1), (75, 2), (74, 1),
                                  (72, 1), (70, 1), (69, 1), (67, 1), (65, 1), (70, 4)]),
    ("lullaby", "e minor", "3/4", [(64, 1), (67, 1), (66, 1), (64, 2), (71, 1), (69, 1), (67, 1),
                                   (66, 1), (64, 3)]),
    ("folk", "F major", "4/4", [(65, 0.5), (67, 0.5), (69, 1), (72, 1), (69, 1), (70, 1), (69, 0.5),
                                (67, 0.5), (65, 2), (67, 1), (69, 1), (67, 1), (64, 1), (65, 4)]),
    ("jig", "D major", "6/8", [(74, 0.5), (73, 0.5), (71, 0.5), (69, 1), (66, 0.5), (67, 0.5), (69, 0.5),
                               (71, 0.5), (69, 1), (67, 0.5), (66, 1), (69, 0.5), (74, 1), (76, 0.5),
                               (78, 1.5), (74, 1.5)]),
    ("polka", "C major", "2/4", [(60, 0.5), (64, 0.5), (67, 1), (65, 0.5), (69, 0.5), (72, 1), (71, 0.5),
                                 (69, 0.5), (67, 0.5), (65, 0.5), (64, 1), (60, 1)]),
]
DENSITIES = (-1.0, -0.5, 0.0, 0.5, 1.0)


def melody_piece(key, meter, tune):
    notes, t = [], 0
    for p, q in tune:
        notes.append(Note("S", t, int(q * Q), p, 80))
        t += int(q * Q)
    return Piece(tracks=[Track(v, v) for v in "SATB"], notes=notes, time_signature=meter, key=key, bars=16)


def melody_stats(notes, bar_ticks, bars):
    notes = sorted(notes, key=lambda n: n.start)
    steps = [abs(b.pitch - a.pitch) for a, b in zip(notes, notes[1:])]
    return {"notes per bar": len(notes) / bars,
            "distinct pitches per 4 bars": len({n.pitch for n in notes}) * 4 / bars,
            "share longer than a bar": float(np.mean([n.duration > bar_ticks for n in notes])) if notes else 0.0,
            "share of steps (<= 2 semitones)": float(np.mean([s <= 2 for s in steps])) if steps else 0.0,
            "mean interval (semitones)": float(np.mean(steps)) if steps else 0.0}


def run(gen, seeds=3):
    rows = {"given": [], "alone": [], "all voices": []}
    for name, key, meter, tune in MELODIES:
        bar_ticks = ticks_per_bar(meter)
        for seed in range(seeds):
            piece = melody_piece(key, meter, tune)
            rows["given"].append(melody_stats(piece.notes, bar_ticks, 4))
            h = gen.generate(GenerateRequest("harmonize", piece, Region(list("ATB"), 0, 4),
                                             num_candidates=1, seed=seed))
            piece.notes += h.candidates[0].notes
            for label, tracks in (("alone", ["S"]), ("all voices", list("SATB"))):
                res = gen.generate(GenerateRequest("continue", piece, Region(tracks, 4, 8),
                                                   num_candidates=4, seed=seed))
                for cand in res.candidates:
                    rows[label].append(melody_stats([n for n in cand.notes if n.track == "S"], bar_ticks, 4))
    return {label: {k: float(np.mean([r[k] for r in rs])) for k in rs[0]} for label, rs in rows.items()}


def density_sweep(gen, seed=0):
    """The melody continued alone by 4 bars (no harmonization first) at each note_density:
    notes per bar, which must rise with it."""
    out = {}
    for d in DENSITIES:
        counts = []
        for name, key, meter, tune in MELODIES:
            piece = melody_piece(key, meter, tune)
            res = gen.generate(GenerateRequest("continue", piece, Region(["S"], 4, 8), num_candidates=4, seed=seed,
                                               controls=Controls(note_density=d)))
            counts += [len(c.notes) / 4 for c in res.candidates]
        out[d] = float(np.mean(counts))
    return out


def report(gen, seeds=3):
    sweep = density_sweep(gen)
    table = run(gen, seeds)
    print(f"\n### Melody continued by 4 bars after a harmonization ({len(MELODIES)} melodies written for "
          f"this check, {seeds} seeds, 4 candidates each, in a 16-bar piece)\n")
    print("| statistic | given bars | continued alone | continued with all voices |")
    print("|---|---:|---:|---:|")
    for k in table["given"]:
        print(f"| {k} | {table['given'][k]:.2f} | {table['alone'][k]:.2f} | {table['all voices'][k]:.2f} |")
    print("\nThe note density control, the same melodies continued alone (4 candidates each): notes per bar\n")
    print("| note_density | " + " | ".join(f"{d:+.1f}" for d in sweep) + " |")
    print("|---|" + "---:|" * len(sweep))
    print("| notes per bar | " + " | ".join(f"{v:.2f}" for v in sweep.values()) + " |")
    return table


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", default=None)
    ap.add_argument("--seeds", type=int, default=3)
    args = ap.parse_args()
    from engine.neural import NeuralGenerator
    report(NeuralGenerator(args.checkpoint, device="cpu"), args.seeds)
