"""
Does harmonize follow the chord track? Measured with the shipped model on held-out chorales.

For 2-bar regions of the test split (the harmonize task of engine/evaluate.py: A, T, B written
for Bach's soprano, 3 bars of context each side), the chord track is Bach's own chords of those
bars (per beat, labelled as in engine/chord_labels.py, a chord repeated on the next beat held on).
Each region is harmonized twice with the same seed, follow_chords on and off, and the written
beats are labelled the same way. Reported: how many beats sound the chord track's triad, how many
beat-onset notes of the written voices are its chord tones, and how many chord onsets have the
named bass note in the bass.

    python -m engine.chord_follow_eval              # 100 regions, about 30 s on 2 CPU cores
"""
from __future__ import annotations

import argparse
import dataclasses

import numpy as np

from engine import grid as G
from engine.api import ChordSymbol, Controls
from engine.chord_labels import TEMPLATES, label_grid, label_segment, sounding, to_triad
from engine.chord_symbols import symbol
from engine.eval_tasks import TASKS, fill, regions, request_for, window


def chord_track(g, spb, r0, r1):
    """Bach's chords of cells [r0, r1): [(ChordSymbol, (root pc, quality))], one per beat, repeats held on."""
    labels = label_grid(g, spb, "beat")
    out = []
    for t in range(r0, r1, 4):
        lab = labels[t // 4]
        if lab is None:
            continue
        text = symbol(lab[0], lab[1], (0, "major"))
        if out and out[-1][0].symbol == text and out[-1][0].start + out[-1][0].duration == t * G.STEP:
            out[-1][0].duration += 4 * G.STEP
        else:
            out.append((ChordSymbol(t * G.STEP, 4 * G.STEP, text), lab))
    return out


def measure(filled, track):
    """[beats, beats whose triad is the chord's, beat-onset notes written, of them chord tones,
    chord onsets, of them with the root in the bass] for a filled grid."""
    snd = sounding(filled)
    out = np.zeros(6)
    for chord, (root, quality) in track:
        s, e = chord.start // G.STEP, (chord.start + chord.duration) // G.STEP
        pcs = {(root + x) % 12 for x in TEMPLATES[quality]}
        for t in range(s, e, 4):
            got = label_segment(snd, t, t + 4)
            onsets = [G.token_pitch(filled[v, t]) % 12 for v in (1, 2, 3) if filled[v, t] >= G.N_SPECIAL]
            out += [1, got is not None and to_triad(got) == to_triad((root, quality)),
                    len(onsets), sum(p in pcs for p in onsets), 0, 0]
        out[4:] += [1, bool(snd[3, s]) and snd[3, s] % 12 == root]
    return out


def run(args):
    from engine.data import load_split
    from engine.neural import NeuralGenerator
    gen = NeuralGenerator(device=args.device)
    task = TASKS["harmonize"]
    pieces = load_split("test")
    totals = {True: np.zeros(6), False: np.zeros(6)}
    for k, (i, b) in enumerate(regions(pieces, task, args.regions)):
        g, spb = pieces[i]
        _, _, r0, r1 = window(g, spb, b, task)
        track = chord_track(g, spb, r0, r1)
        chords = [c for c, _ in track]
        base = request_for(g, spb, b, task, seed=k)
        for follow in (True, False):
            req = dataclasses.replace(base, piece=dataclasses.replace(base.piece, chords=chords),
                                      controls=Controls(follow_chords=follow))
            filled = fill(g, gen.generate(req), r0, r1, task["voices"])
            totals[follow] += measure(filled, track)
    print(f"\n### Harmonize (A T B for Bach's soprano, 2 bars) with Bach's chords as the chord track: "
          f"{args.regions} test regions, {gen.capabilities().name} {gen.version}, one candidate each, same seeds\n")
    print("| follow_chords | beats | beats sounding the chord (triad) | beat-onset notes on chord tones | chord onsets with its root in the bass |")
    print("|---|---:|---:|---:|---:|")
    for follow in (True, False):
        beats, hits, tones, tone_hits, bass, bass_hits = totals[follow]
        print(f"| {'on' if follow else 'off'} | {beats:.0f} | {100 * hits / beats:.1f} % | {100 * tone_hits / tones:.1f} % "
              f"| {100 * bass_hits / bass:.1f} % |")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--regions", type=int, default=100)
    ap.add_argument("--device", default=None)
    run(ap.parse_args())
