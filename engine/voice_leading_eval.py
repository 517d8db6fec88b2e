"""
Voice-leading a teacher would mark, measured on melodies no model has seen
(engine/data/eval_melodies.txt: 22 written for this project, major and minor, 3/4, 4/4 and 6/8,
seven with a pickup) and on Bach's own chorales of the test split.

Counted at every change of sonority (an onset in any voice), over every pair of voices, the
given melody included:
- parallel fifths and octaves (both voices move the same way from a perfect fifth to a perfect
  fifth, or from an octave or unison to an octave or unison, compound intervals included);
- crossings (a lower voice above the one above it) and spacing (soprano-alto or alto-tenor more
  than an octave apart);
- notes outside each voice's range (Bach's, as the engine's defaults);
- how the written inner voices and bass move: notes per bar, mean melodic interval, leaps larger
  than a third, next to Bach's on the same soprano lines.

    python -m engine.voice_leading_eval [--checkpoint PATH] [--regions 30]
"""
from __future__ import annotations

import argparse
import os

import numpy as np

from engine import grid as G
from engine.api import Controls, GenerateRequest, Note, Piece, Region, Track
from engine.metrics import parallel_motions, sounding
from engine.probes import bar_ticks

MELODIES = os.path.join(os.path.dirname(__file__), "data", "eval_melodies.txt")
NAMES = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def pitch(name):
    letter, rest = name[0], name[1:]
    acc = sum({"#": 1, "b": -1}.get(ch, 0) for ch in rest if ch in "#b")
    return 12 * (int(rest.lstrip("#b")) + 1) + NAMES[letter] + acc


def read_melodies(path=MELODIES):
    """[(name, meter, key, [Note on track "S"])]; bars are checked to add up."""
    out = []
    for line in open(path, encoding="utf-8"):
        if not line.strip() or line.startswith("#"):
            continue
        name, meter, key, body = (part.strip() for part in line.split("|", 3))
        bar, t, notes = bar_ticks(meter), 0, []
        for b, text in enumerate(body.split("|")):
            start = t
            for token in text.split():
                what, eighths = token.split("/")
                ticks = int(eighths) * 240
                if what != "r":
                    notes.append(Note("S", t, ticks, pitch(what), 80))
                t += ticks
            if t - start != bar:
                raise ValueError(f"{name}: bar {b + 1} holds {t - start} ticks, not {bar}")
        out.append((name, meter, key, notes))
    return out


def grid_of(notes_by_voice, n_cells):
    """{voice index: [Note]} -> (4, T) tokens on the 16th grid (absent voices PAD)."""
    grid = np.full((4, n_cells), G.PAD, np.int64)
    for v, notes in notes_by_voice.items():
        cells = [(n.start // G.STEP, max(1, n.duration // G.STEP), min(max(n.pitch, G.PITCH_LO), G.PITCH_HI))
                 for n in notes]
        grid[v], _ = G.voice_to_cells(cells, n_cells)
    return grid


def figures(grid, bars, written=(1, 2, 3)):
    """The counts and motion figures of one harmonized passage (voices S A T B in rows 0..3)."""
    on = grid >= G.N_SPECIAL
    changes = np.flatnonzero(on.any(0))
    kinds = [k for k, _, _ in parallel_motions(grid, 0, grid.shape[1])]
    snd = sounding(grid)
    crossing = spacing = 0
    for t in changes:
        s = snd[:, t]
        crossing += any(s[v] and s[v + 1] and s[v] < s[v + 1] for v in range(3))
        spacing += any(s[v] and s[v + 1] and s[v] - s[v + 1] > 12 for v in range(2))
    row = dict(changes=max(len(changes) - 1, 1), fifths=kinds.count("5"), octaves=kinds.count("8"),
               crossing=crossing, spacing=spacing, out_of_range=0, bars=bars)
    for v in written:
        ps = [G.token_pitch(x) for x in grid[v] if x >= G.N_SPECIAL]
        lo, hi = G.BACH_RANGES[G.VOICES[v]]
        row["out_of_range"] += sum(not lo <= p <= hi for p in ps)
        steps = np.abs(np.diff(ps)) if len(ps) > 1 else np.zeros(0)
        row[f"{G.VOICES[v]} notes"] = len(ps)
        row[f"{G.VOICES[v]} intervals"] = float(steps.sum())
        row[f"{G.VOICES[v]} moves"] = len(steps)
        row[f"{G.VOICES[v]} leaps"] = int((steps > 4).sum())
    return row


def pooled(rows):
    s = {k: sum(r[k] for r in rows) for k in rows[0]}
    out = {"parallel 5ths per 100 sonorities": 100 * s["fifths"] / s["changes"],
           "parallel 8ves per 100 sonorities": 100 * s["octaves"] / s["changes"],
           "crossings per 100 sonorities": 100 * s["crossing"] / s["changes"],
           "spacing > octave per 100 sonorities": 100 * s["spacing"] / s["changes"],
           "notes out of range": s["out_of_range"]}
    for v in "ATB":
        if f"{v} notes" in s:
            out[f"{v}: notes per bar"] = s[f"{v} notes"] / s["bars"]
            out[f"{v}: mean interval"] = s[f"{v} intervals"] / max(s[f"{v} moves"], 1)
            out[f"{v}: leaps > a third %"] = 100 * s[f"{v} leaps"] / max(s[f"{v} moves"], 1)
    return out


def harmonize(gen, melody, meter, key, seed, strict=None, k=4):
    bars = -(-max(n.start + n.duration for n in melody) // bar_ticks(meter))
    controls = Controls() if strict is None else Controls(strict_voice_leading=strict)
    piece = Piece([Track("S", "S", "S"), Track("A", "A", "A"), Track("T", "T", "T"), Track("B", "B", "B")],
                  list(melody), meter, key, bars=bars)
    res = gen.generate(GenerateRequest("harmonize", piece, Region(list("ATB"), 0, bars), controls=controls,
                                       num_candidates=k, seed=seed))
    n_cells = bars * bar_ticks(meter) // G.STEP
    out = []
    for cand in res.candidates:
        by_voice = {0: list(melody)}
        for i, v in enumerate("ATB", 1):
            by_voice[i] = [n for n in cand.notes if n.track == v]
        out.append(figures(grid_of(by_voice, n_cells), bars))
    return out


def unseen(gen, strict=None):
    rows = []
    for i, (name, meter, key, melody) in enumerate(read_melodies()):
        rows += harmonize(gen, melody, meter, key, seed=i, strict=strict)
    return pooled(rows)


def bach(regions=30, bars=4, gen=None, strict=None, split="test", k=4):
    """Bach's chorales (the test split; decoding settings are chosen on "valid"): his own figures on
    every chorale and on `regions` passages and, with `gen`, the model's harmonizations (`k`
    candidates each: with one, 30 passages moved a voice's share of leaps by 30 % from run to run)
    of the sopranos of those passages."""
    from engine.data import load_split
    from engine.music import key_name
    from engine.metrics import piece_key
    split = load_split(split)
    whole = pooled([figures(g, g.shape[1] / spb) for g, spb in split])      # his rates on every chorale
    pieces = [(g, spb) for g, spb in split if g.shape[1] >= bars * spb]
    real, made = [], []
    for r in range(regions):
        g, spb = pieces[r % len(pieces)]
        start = (r // len(pieces)) * bars * spb
        if start + bars * spb > g.shape[1]:
            continue
        window = g[:, start:start + bars * spb]
        real.append(figures(window, bars))
        if gen is not None:
            meter = {16: "4/4", 12: "3/4"}[spb]
            melody = [Note("S", s * G.STEP, d * G.STEP, p, 80) for s, d, p in G.cells_to_voice(window[0])]
            if melody:
                made += harmonize(gen, melody, meter, key_name(piece_key(window)), seed=r, strict=strict, k=k)
    return whole, pooled(real), (pooled(made) if made else None)


def report(gen, regions=30):
    print("\n### Voice-leading: Bach (test split) and the model's harmonizations (4 candidates each), raw and "
          "strict decoding\n")
    whole, real, raw_bach = bach(regions, gen=gen, strict=False)
    _, _, strict_bach = bach(regions, gen=gen, strict=True)
    raw, strict = unseen(gen, strict=False), unseen(gen, strict=True)
    print(f"| figure | Bach, whole test split | Bach, {regions} passages | same sopranos, raw | same sopranos, "
          "strict | unseen melodies, raw | unseen melodies, strict |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for k in real:
        print(f"| {k} | {whole[k]:.2f} | {real[k]:.2f} | {raw_bach[k]:.2f} | {strict_bach[k]:.2f} | {raw[k]:.2f} "
              f"| {strict[k]:.2f} |")
    return dict(bach=whole, bach_passages=real, bach_raw=raw_bach, bach_strict=strict_bach,
                unseen_raw=raw, unseen_strict=strict)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", default=None)
    ap.add_argument("--regions", type=int, default=30)
    args = ap.parse_args()
    from engine.neural import NeuralGenerator
    report(NeuralGenerator(args.checkpoint, device="cpu"), args.regions)
