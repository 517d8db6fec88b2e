"""
Try the model on a MIDI file, without the web app.

    python -m engine.sample --operation harmonize --input melody.mid --out out.mid
    python -m engine.sample --operation continue --input piece.mid --bars 4 --out longer.mid
    python -m engine.sample --operation infill --input piece.mid --bars 3:5 --out filled.mid
    python -m engine.sample --operation vary --input piece.mid --bars 2:4 --tracks 0 --keep-close 0.3 --out varied.mid

harmonize adds empty tracks (Alto, Tenor, Bass by default; --add 1 adds a bass
only) and writes them for the whole piece unless --bars says otherwise.
With --candidates K > 1, out.mid holds the best candidate and out-2.mid ...
out-K.mid the others. Tracks must be monophonic (one voice each).
"""
from __future__ import annotations

import argparse
import dataclasses
import os

from engine import load_generator
from engine.api import Controls, GenerateRequest, Region, Track
from engine.grid import METERS, STEP
from engine.midi import read_midi, write_midi

ADDED = {1: ["Bass"], 2: ["Tenor", "Bass"], 3: ["Alto", "Tenor", "Bass"]}


def build_request(piece, args):
    spb = METERS.get(piece.time_signature, 16)
    end = max((n.start + n.duration for n in piece.notes), default=0)
    n_bars = max(1, -(-end // (spb * STEP)))
    tracks = [int(t) for t in args.tracks.split(",")] if args.tracks else None
    if args.operation == "harmonize":
        base = len(piece.tracks)
        for name in ADDED[args.add]:
            piece.tracks.append(Track(len(piece.tracks), name))
        tracks = tracks or list(range(base, len(piece.tracks)))
        a, b = parse_bars(args.bars, 0, n_bars)
    elif args.operation == "continue":
        a = n_bars
        b = a + int(args.bars or 4)
    else:
        if not args.bars:
            raise SystemExit(f"--bars a:b is needed for {args.operation}")
        a, b = parse_bars(args.bars, 0, n_bars)
    tracks = tracks if tracks is not None else [t.id for t in piece.tracks]
    controls = Controls(temperature=args.temperature, top_p=args.top_p, note_density=args.density,
                        stay_in_key=args.stay_in_key, keep_close=args.keep_close)
    return GenerateRequest(args.operation, piece, Region(tracks, a, b), controls=controls,
                           num_candidates=args.candidates, seed=args.seed)


def parse_bars(text, a, b):
    if not text:
        return a, b
    x, _, y = text.partition(":")
    return int(x), int(y)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--operation", required=True, choices=("continue", "infill", "harmonize", "vary"))
    ap.add_argument("--input", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--bars", help="a:b (0-based, end excluded), or the number of bars to add for continue")
    ap.add_argument("--tracks", help="comma-separated track indices to write (default: see above)")
    ap.add_argument("--add", type=int, default=3, choices=(1, 2, 3), help="harmonize: voices to add")
    ap.add_argument("--candidates", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--temperature", type=float, default=1.0)
    ap.add_argument("--top-p", dest="top_p", type=float, default=0.95)
    ap.add_argument("--density", type=float, default=0.0)
    ap.add_argument("--keep-close", dest="keep_close", type=float, default=0.5)
    ap.add_argument("--stay-in-key", dest="stay_in_key", action="store_true")
    ap.add_argument("--generator", default=None, help="dotted path, e.g. engine.ngram.NgramGenerator")
    ap.add_argument("--device", default=None)
    args = ap.parse_args(argv)
    piece = read_midi(args.input)
    req = build_request(piece, args)
    gen = load_generator(args.generator, device=args.device)
    res = gen.generate(req)
    for w in res.warnings:
        print("warning:", w)
    root, ext = os.path.splitext(args.out)
    targets = {str(t) for t in req.region.tracks}
    bar = METERS[piece.time_signature] * STEP
    inside = lambda n: str(n.track) in targets and req.region.start_bar * bar <= n.start < req.region.end_bar * bar
    rest = dataclasses.replace(req.piece, notes=[n for n in req.piece.notes if not inside(n)])
    for i, c in enumerate(res.candidates):
        path = args.out if i == 0 else f"{root}-{i + 1}{ext}"
        write_midi(rest, path, c.notes)       # the candidate replaces the region's notes
        print(f"{path}: {len(c.notes)} notes, score {c.score:.3f}")
    p = res.provenance
    print(f"{p.model} {p.version} ({p.checksum[:12]}), {p.operation} bars {req.region.start_bar}:{req.region.end_bar}, "
          f"key {p.key}, voices {p.voice_map}, seed {p.seed}, {res.timings['total_ms']:.0f} ms on {p.device}")


if __name__ == "__main__":
    main()
