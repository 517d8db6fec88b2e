"""
How often the engine's candidates land on the picture's cues (the `cue_targets` control), on a
benchmark of cue layouts, with the targets on and (the same requests) off.

    python -m engine.cue_eval                  # both backends, the shipped checkpoint
    python -m engine.evaluate                  # prints this section after the held-out evaluation

The layouts: two four-bar phrases written for this benchmark (one in a major key, one in a minor
key, four-part quarter-note chords; in 3/4 each bar keeps its first three chords), transposed to
several keys; heard as a melody alone, melody and bass, or four voices; the AI asked to continue
two bars after the first two, or to infill bars 1-2 of four. Each layout has a hit on a beat of
its first written bar and a cadence on the downbeat of its last (the region ends at the cue's
bar, as the studio's "Write to the cues" asks). A candidate meets its targets when every one is
met (engine.cue_targets.met): at the cadence every written voice starts a note, the lowest note
heard is the tonic and all notes heard are of the tonic triad, and on the beat before the lowest
is the dominant and all are of its seventh chord; at the hit every written voice starts a note
louder than its median note. The log-prob column is the candidates' own score (the model's mean
log-probability of what it wrote, per written cell): what the targets cost in the model's eyes; the
parallels column counts parallel fifths and octaves moving into the region's sonorities (all voices
heard, engine.metrics), per 100 bars of the region: what they cost in voice leading.
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from engine import cue_targets as CT
from engine import grid as G
from engine.api import Controls, GenerateRequest, Note, Piece, Region, Track
from engine.metrics import parallels
from engine.music import parse_key

# (S, A, T, B) per beat, four bars of four beats; written for this benchmark.
MAJOR_PHRASE = [  # C major: I IV V I | vi ii V I | IV I V vi | ii V I I
    (72, 67, 64, 48), (72, 69, 65, 53), (71, 67, 62, 55), (72, 67, 64, 48),
    (69, 64, 60, 57), (69, 65, 62, 50), (67, 62, 59, 55), (67, 64, 60, 48),
    (69, 65, 60, 53), (67, 64, 60, 52), (67, 62, 59, 43), (64, 60, 60, 45),
    (65, 62, 57, 50), (67, 62, 59, 43), (64, 60, 55, 48), (64, 60, 55, 48)]
MINOR_PHRASE = [  # A minor: i iv V i | iv i V i | VI iv V i | iv V i i
    (69, 64, 60, 45), (69, 65, 62, 50), (68, 64, 59, 52), (69, 64, 60, 45),
    (65, 62, 57, 50), (64, 60, 57, 45), (64, 59, 56, 52), (64, 60, 57, 45),
    (65, 60, 57, 41), (62, 57, 53, 38), (64, 59, 56, 40), (64, 60, 57, 45),
    (65, 62, 57, 50), (64, 59, 56, 52), (64, 60, 57, 45), (64, 60, 57, 45)]
KEYS = {"major": [("C major", 0), ("G major", -5), ("F major", 5), ("D major", 2)],
        "minor": [("A minor", 0), ("E minor", -5), ("D minor", 5)]}
TEXTURES = {"melody": (0,), "melody + bass": (0, 3), "four voices": (0, 1, 2, 3)}
NAMES = ("S", "A", "T", "B")


def piece_for(phrase, shift, meter, voices, bars):
    beats = 4 if meter == "4/4" else 3
    notes = []
    for b in range(bars):
        for q in range(beats):
            chord = phrase[b * 4 + q]
            notes += [Note(NAMES[v], (b * beats + q) * 480, 480, chord[v] + shift, 80) for v in voices]
    return Piece([Track(NAMES[v], NAMES[v], voice=NAMES[v]) for v in voices], notes, meter)


def layouts(all_keys=False):
    """The benchmark layouts: (name, piece, operation, region, targets). By default each
    combination of mode, meter, texture and operation is heard in one key (the keys taken in
    turn: 24 layouts); all_keys: in every key (84 layouts)."""
    out = []
    turn = 0
    for mode, phrase in (("major", MAJOR_PHRASE), ("minor", MINOR_PHRASE)):
        for key, shift in KEYS[mode]:
            for meter in ("4/4", "3/4"):
                bar = 1920 if meter == "4/4" else 1440
                for texture, voices in TEXTURES.items():
                    for op, bars, (r0, r1) in (("continue", 2, (2, 4)), ("infill", 4, (1, 3))):
                        turn += 1
                        if not all_keys and KEYS[mode][turn % len(KEYS[mode])][0] != key:
                            continue
                        piece = piece_for(phrase, shift, meter, voices, bars)
                        piece.key = key
                        targets = [{"kind": "hit", "tick": r0 * bar + 480 * (1 if op == "continue" else 2)},
                                   {"kind": "cadence", "tick": (r1 - 1) * bar}]
                        region = Region([NAMES[v] for v in voices], r0, r1)
                        out.append((f"{key}, {meter}, {texture}, {op}", piece, op, region, targets))
    return out


def measure(gen, candidates=4, seed=0, on=True, all_keys=False):
    """Candidates meeting all their targets, and each kind's targets met: counts and totals."""
    counts = dict(candidates=0, all_met=0, cadence=0, cadences=0, hit=0, hits=0, hit_onsets=0, score=0.0, parallels=0,
                  bars=0.0, seconds=0.0)
    t0 = time.perf_counter()
    for i, (_, piece, op, region, targets) in enumerate(layouts(all_keys)):
        controls = Controls(temperature=1.0, cue_targets=targets if on else [])
        req = GenerateRequest(op, piece, region, controls=controls, num_candidates=candidates, seed=seed + i)
        res = gen.generate(req)
        written = {str(t) for t in region.tracks}
        key = parse_key(piece.key)
        for c in res.candidates:
            heard = CT.heard(piece, region, c.notes)
            ok = [CT.met(t, heard, c.notes, written, key) for t in targets]
            counts["candidates"] += 1
            counts["score"] += c.score
            counts["parallels"] += sum(_parallels(heard, piece, region))
            counts["bars"] += region.end_bar - region.start_bar
            counts["all_met"] += all(ok)
            for t, good in zip(targets, ok):
                counts[t["kind"]] += good
                counts[t["kind"] + "s" if t["kind"] == "cadence" else "hits"] += 1
                if t["kind"] == "hit":
                    counts["hit_onsets"] += CT.met(t, heard, c.notes, written, key, accent=False)
    counts["seconds"] = time.perf_counter() - t0
    return counts


def _parallels(notes, piece, region):
    """(fifths, octaves) moving into the region's sonorities, all voices heard (engine.metrics)."""
    spb = G.METERS[piece.time_signature]
    grid = np.full((4, (region.end_bar + 1) * spb), G.PAD, np.int64)
    for v in {NAMES.index(str(t.id)) for t in piece.tracks}:
        grid[v] = G.REST
    for n in notes:
        s, d = n.start // G.STEP, n.duration // G.STEP
        grid[NAMES.index(str(n.track)), s] = G.pitch_token(n.pitch)
        grid[NAMES.index(str(n.track)), s + 1:s + d] = G.HOLD
    return parallels(grid, region.start_bar * spb, region.end_bar * spb)


def report(backends, candidates=4, all_keys=False):
    """Print the section (a markdown table) for [(label, generator), ...]; return the numbers."""
    n = len(layouts(all_keys))
    print(f"\n### Writing to the cues (engine/cue_eval.py): {n} cue layouts x {candidates} candidates, "
          "7 keys, 4/4 and 3/4, melody / melody + bass / four voices, continue and infill; a hit and a cadence each\n")
    print("| backend | cue targets | candidates meeting all their targets | cadences met | hits met "
          "| hits with an onset in every voice | model log-prob per written cell "
          "| parallel 5ths + 8ves per 100 written bars | seconds |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    numbers = {}
    for label, gen in backends:
        for on in (True, False):
            c = measure(gen, candidates, on=on, all_keys=all_keys)
            numbers[(label, on)] = c
            print(f"| {label} | {'on' if on else 'off'} | {100 * c['all_met'] / c['candidates']:.1f} % "
                  f"({c['all_met']}/{c['candidates']}) | {100 * c['cadence'] / c['cadences']:.1f} % "
                  f"| {100 * c['hit'] / c['hits']:.1f} % | {100 * c['hit_onsets'] / c['hits']:.1f} % "
                  f"| {c['score'] / c['candidates']:.3f} | {100 * c['parallels'] / c['bars']:.1f} "
                  f"| {c['seconds']:.1f} |", flush=True)
    return numbers


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", default=None)
    ap.add_argument("--candidates", type=int, default=4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--all-keys", action="store_true", help="every layout in every key (84 layouts, not 24)")
    args = ap.parse_args(argv)
    import torch

    from engine.neural import NeuralGenerator
    from engine.ngram import NgramGenerator
    torch.set_num_threads(args.threads)
    report([("GridCoco", NeuralGenerator(args.checkpoint, device="cpu")), ("n-gram", NgramGenerator(order=9))],
           args.candidates, args.all_keys)


if __name__ == "__main__":
    main()
