"""
Chord agreement on held-out chorales: the chord model (engine/chord_model.py)
next to a rule-based baseline, in the same run, per beat and per bar.

Reference: Bach's own harmonisation, labelled per segment by the template
matcher of engine/chord_labels.py (the same labels the model was trained on),
reduced to triads (root + major/minor/diminished/augmented). Both systems see
only the soprano and the key estimated from it.

Baseline: in each segment, the commonest diatonic triad (by its frequency in
the train split) that contains the melody's strong-beat notes (the notes
sounding at the segment's beat 1, and beat 3 in a 4/4 bar); if none contains
them all, the commonest that contains the most.

    python -m engine.chord_eval              # test split
"""
from __future__ import annotations

import argparse

import numpy as np

from engine.chord_labels import TEMPLATES, label_grid, to_triad
from engine.chord_model import ChordModel, diatonic_mask, melody_key, segments, soprano, states

UNITS_EVALUATED = ("beat", "bar")


def strong_pcs(snd, a, b, unit, spb):
    beats = [a] if unit != "bar" else [a, a + spb // 2] if spb == 16 else [a]
    return {int(snd[t]) % 12 for t in beats if t < b and snd[t]}


class Baseline:
    def __init__(self, model):
        self.order = {}
        names = states("triads")
        for mode in ("major", "minor"):
            p = f"triads_beat_{mode}_"
            freq = model.t[p + "trans"].sum(0) + model.t[p + "init"]
            self.order[mode] = [names[i] for i in np.argsort(-freq, kind="stable")]

    def suggest(self, snd, spb, unit, key):
        diatonic = dict(zip(states("triads"), diatonic_mask("triads", key)))
        chords = [s for s in self.order[key[1]] if diatonic[s]]
        out = []
        for a, b in segments(len(snd), spb, unit):
            notes = {(p - key[0]) % 12 for p in strong_pcs(snd, a, b, unit, spb)}
            fits = [len(notes & {(r + s) % 12 for s in TEMPLATES[q]}) for r, q in chords]
            r, q = chords[int(np.argmax(fits))]          # first of the best: the commonest
            out.append(((r + key[0]) % 12, q))
        return out


def evaluate(split="test", model=None):
    from engine.data import load_split
    model = model or ChordModel()
    base = Baseline(model)
    pieces = load_split(split)
    res = {}
    for unit in UNITS_EVALUATED:
        hits = {"model": 0, "baseline": 0, "model_root": 0, "baseline_root": 0}
        total, diffs = 0, []          # diffs: model - baseline agreement of each chorale
        for g, spb in pieces:
            snd = soprano(g)
            key = melody_key(snd)
            ref = [to_triad(x) for x in label_grid(g, spb, unit)]
            preds = {"model": model.suggest(snd, spb, unit, key, "triads")[0][0],
                     "baseline": base.suggest(snd, spb, unit, key)}
            mine = {}
            for name, pred in preds.items():
                mine[name] = sum(r == p for r, p in zip(ref, pred) if r is not None)
                hits[name] += mine[name]
                hits[name + "_root"] += sum(r[0] == p[0] for r, p in zip(ref, pred) if r is not None)
            n = sum(r is not None for r in ref)
            total += n
            if n:
                diffs.append((mine["model"] - mine["baseline"]) / n)
        res[unit] = {k: v / total for k, v in hits.items()} | {
            "segments": total, "gain": float(np.mean(diffs)), "gain_se": float(np.std(diffs, ddof=1) / np.sqrt(len(diffs)))}
    return res, len(pieces)


def report(split="test"):
    res, n = evaluate(split)
    print(f"\n### Chord agreement with Bach's harmonisation, {split} split: {n} chorales "
          "(triad labels from the template matcher; melody only)\n")
    print("| per | segments | chord model | baseline (commonest diatonic) | model - baseline, mean of chorales ± SE "
          "| model, root only | baseline, root only |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for unit, r in res.items():
        print(f"| {unit} | {r['segments']} | {100 * r['model']:.1f} % | {100 * r['baseline']:.1f} % "
              f"| {100 * r['gain']:+.1f} ± {100 * r['gain_se']:.1f} points "
              f"| {100 * r['model_root']:.1f} % | {100 * r['baseline_root']:.1f} % |")
    return res


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="test", choices=("train", "valid", "test"))
    report(ap.parse_args().split)
