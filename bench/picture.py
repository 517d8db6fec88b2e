"""Tempo solver benchmark: how long `engine.picture.solver.solve` takes on cue layouts the UI will send.

    python -m bench.picture [--runs 40] [--seed 16]

One process, one core (the solver is single-threaded pure Python with small numpy arrays), timed in
CPU seconds of this process (time.process_time), so other work on a shared machine does not count. Each
scenario solves `runs` different layouts and prints p50/p99, next to the baseline measured in
the same run on the same cues: `evaluate` of one solution (the cost of checking a fit through the tempo
map), so the ratio says how many checks a search costs on this machine. Target: a 50-cue solve under a
second (p99) for layouts a tempo or a small map fits. Nothing is asserted; this prints.
"""
import argparse
import math
import platform
import random
import time

from bench._stats import cpu_model, percentile
from engine.picture import tempo_map as tm
from engine.picture.solver import evaluate, solve
from engine.picture.timecode import frame_us

TARGET_S = 1.0


def from_map(rng: random.Random, cues: int, changes: int, meter=(4, 4), fps="25", whole=True):
    """`cues` cues on the beats of a random map with `changes` changes (whole BPM unless `whole` is
    False), jittered by up to 0.8 frame."""
    bpm = (lambda: rng.randint(60, 180)) if whole else (lambda: rng.uniform(60, 180))
    n = tm.bar_ticks(meter) // tm.beat_ticks(meter)
    per_segment = [cues // (changes + 1) + (i < cues % (changes + 1)) for i in range(changes + 1)]
    bars, tempo_changes, segments = 0, [], []
    for i, count in enumerate(per_segment):
        length = max(2, math.ceil(count * rng.uniform(1.2, 2.5) / n))
        segments.append((bars, bars + length, count))
        if i:
            tempo_changes.append((bars, bpm()))
        bars += length
    tmap = tm.build(meter, bpm(), tempo_changes)
    offset, tol, out = rng.randrange(0, 10_000_000), frame_us(fps), []
    for start, end, count in segments:
        for beat in sorted(rng.sample(range(start * n, end * n), count)):
            kind = "cadence" if beat % n == 0 and rng.random() < 0.3 else "hit"
            out.append((round(tm.ticks_to_us(tmap, beat * tm.beat_ticks(meter), offset)
                              + rng.uniform(-0.8, 0.8) * tol), kind))
    return out


def scene_cuts(rng: random.Random, cues: int, seconds: float):
    """Cues at random picture times at least 0.6 s apart: what scene-cut detection proposes."""
    while True:
        times = sorted(rng.sample(range(0, int(seconds * 1e6)), cues))
        if all(b - a >= 600_000 for a, b in zip(times, times[1:])):
            return [(t, "cadence" if rng.random() < 0.25 else "hit") for t in times]


# (name, layout maker, meter, tempo_step): whole BPM is the solver's default (what a piece stores)
SCENARIOS = [
    ("50 cues, constant tempo", lambda rng: from_map(rng, 50, 0), (4, 4), 1),
    ("50 cues, map with 3 changes", lambda rng: from_map(rng, 50, 3), (4, 4), 1),
    ("50 cues, 6/8, map with 2 changes", lambda rng: from_map(rng, 50, 2, meter=(6, 8)), (6, 8), 1),
    ("50 cues, constant, any tempo", lambda rng: from_map(rng, 50, 0, whole=False), (4, 4), None),
    ("50 cues, 3 changes, any tempo", lambda rng: from_map(rng, 50, 3, whole=False), (4, 4), None),
    ("7 cuts in a 45 s clip", lambda rng: scene_cuts(rng, 7, 45), (4, 4), 1),
    ("7 cuts in a 45 s clip, any tempo", lambda rng: scene_cuts(rng, 7, 45), (4, 4), None),
    ("20 cuts in 2 min", lambda rng: scene_cuts(rng, 20, 120), (4, 4), 1),
    ("50 cuts in 5 min (rarely fits)", lambda rng: scene_cuts(rng, 50, 300), (4, 4), 1),
]




def run(name, make, meter, step, runs, rng):
    solve_s, check_s, changes, unsolved, incomplete = [], [], [], 0, 0
    for _ in range(runs):
        cues = make(rng)
        started = time.process_time()
        result = solve(cues, meter, tempo_step=step)
        solve_s.append(time.process_time() - started)
        incomplete += not result.complete
        if not result.solutions:
            unsolved += 1
            continue
        best = result.solutions[0]
        changes.append(len(best.tempo_changes))
        started = time.process_time()
        evaluate(cues, meter, best.tempo, best.tempo_changes, best.start_offset_us)
        check_s.append(time.process_time() - started)
    p50, p99 = percentile(solve_s, 50), percentile(solve_s, 99)
    base = percentile(check_s, 50) if check_s else None
    fitted = f"{runs - unsolved}/{runs}"
    spread = f"{min(changes)}-{max(changes)}" if changes else "-"
    print(f"{name:34} {p50 * 1000:9.1f} {p99 * 1000:9.1f} {base * 1000 if base else float('nan'):8.2f} "
          f"{('x%.0f' % (p50 / base)) if base else '-':>7} {fitted:>7} {spread:>7} {incomplete:>5}")
    return p99


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    print(f"tempo solver, {args.runs} layouts per scenario, seed {args.seed}, {cpu_model()}, "
          f"Python {platform.python_version()}, one core")
    print(f"{'scenario':34} {'p50 ms':>9} {'p99 ms':>9} {'check ms':>8} {'ratio':>7} {'fitted':>7} "
          f"{'changes':>7} {'cut':>5}")
    rng = random.Random(args.seed)
    worst = {name: run(name, make, meter, step, args.runs, rng) for name, make, meter, step in SCENARIOS}
    for name in ("50 cues, constant tempo", "50 cues, map with 3 changes"):
        verdict = "PASS" if worst[name] <= TARGET_S else "MISS"
        print(f"{verdict} {name}: p99 {worst[name] * 1000:.0f} ms (target {TARGET_S * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
