"""The remote path of bench.generate: the same engine request in this process and through a model
server (`python -m engine.serve` on 127.0.0.1, reached with engine.remote.RemoteGenerator), one at a
time, alternating, so both columns see the same machine. Overhead per request = the client's round
trip minus the engine time the server reports for that request (HTTP, JSON both ways, the schema
checks on both sides, the server's thread hand-off)."""
import os
import secrets
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from deploy.processes import Server, free_port

from ._load import clock
from ._stats import percentile
from ._studio import ROOT

TARGET_REMOTE_OVERHEAD_MS = 15  # the protocol may add at most this much per request, p50, on loopback
SATB = (("S", "Soprano", [60, 81]), ("A", "Alto", [53, 74]), ("T", "Tenor", [48, 69]), ("B", "Bass", [36, 62]))


def engine_request(melody, operation, which, bars, candidates, seed):
    """The studio's request for one case, built without Django: four SATB tracks, the melody on the
    soprano, each written track held to its range (as composer_ui.engine_bridge does)."""
    from engine.api import Controls, GenerateRequest, Note, Piece, Region, Track
    tracks = [Track(tid, name) for tid, name, _ in SATB]
    notes = [Note("S", i * 480, 480, p, 80) for i, p in enumerate(melody)]
    ids = [SATB[i][0] for i in which]
    piece = Piece(tracks, notes, "4/4", "G major", 90.0, max(len(melody) // 4, bars[1]))
    controls = Controls(pitch_range={tid: r for tid, _, r in SATB if tid in ids})
    return GenerateRequest(operation, piece, Region(ids, bars[0], bars[1]), controls=controls,
                           num_candidates=candidates, seed=seed)


def measure(args, tmp: Path, cases, melody, candidates) -> dict:
    """{label: {"local": [s], "remote": [s], "reported": [s], "overhead": [s], "same": n}}"""
    import engine
    from engine.remote import RemoteGenerator

    token, port = secrets.token_hex(16), free_port()
    backend = os.environ.get("STUDIO_GENERATOR") or engine.DEFAULT_GENERATOR
    argv = [sys.executable, "-m", "engine.serve", "--backend", backend, "--port", str(port), "--token", token,
            "--workers", "1", "--queue", "0", "--timeout", "120"]
    local = engine.load_generator(backend)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine")   # as in the server: a worker thread
    results = {label: {"local": [], "remote": [], "reported": [], "overhead": [], "same": 0} for label, *_ in cases}
    with Server(argv, port=port, env=dict(os.environ), log_path=tmp / "engine-serve.log", cwd=ROOT):
        remote = RemoteGenerator(f"http://127.0.0.1:{port}", token, timeout=120)
        print(f"model server {backend} on port {port}; warm-up (not counted) ...", flush=True)
        warm = engine_request(melody, *cases[0][1:], candidates, 10_000)
        pool.submit(local.generate, warm).result()
        remote.generate(warm)
        started = clock()
        for i in range(args.requests):
            if clock() - started > args.budget:
                print(f"budget of {args.budget:g} s spent: stopping after {i} requests per case", flush=True)
                break
            for label, operation, which, bars in cases:
                request = engine_request(melody, operation, which, bars, candidates, i)
                t0 = clock()
                mine = pool.submit(local.generate, request).result()
                t1 = clock()
                theirs = remote.generate(request)
                t2 = clock()
                r = results[label]
                reported = theirs.timings["total_ms"] / 1000
                for key, value in (("local", t1 - t0), ("remote", t2 - t1), ("reported", reported),
                                   ("overhead", t2 - t1 - reported)):
                    r[key].append(value)
                r["same"] += mine.candidates == theirs.candidates
            print(f"  remote {i + 1}/{args.requests} done", flush=True)
    pool.shutdown(wait=True)
    return results


def report(results: dict) -> None:
    ms = lambda s: "-" if s is None else f"{s * 1000:.1f} ms"
    header = ["case (remote: engine.serve on 127.0.0.1)", "n", "in-process p50", "remote p50", "server engine p50",
              "overhead p50", "overhead p99", "remote/in-process"]
    rows, verdicts = [], []
    for label, r in results.items():
        local50, remote50 = percentile(r["local"], 50), percentile(r["remote"], 50)
        over50, over99 = percentile(r["overhead"], 50), percentile(r["overhead"], 99)
        rows.append([label, str(len(r["remote"])), ms(local50), ms(remote50), ms(percentile(r["reported"], 50)),
                     ms(over50), ms(over99), "-" if not local50 else f"x{remote50 / local50:.3f}"])
        verdicts.append((label, over50, r["same"], len(r["remote"])))
    widths = [max(len(row[i]) for row in [header] + rows) for i in range(len(header))]
    print()
    for row in [header] + rows:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
    print("in-process: engine.generate() in this process, on a worker thread; remote: RemoteGenerator round trip;\n"
          "server engine: the total_ms the server's engine reports; overhead: remote minus that, per request")
    print(f"\ntarget: remote overhead p50 <= {TARGET_REMOTE_OVERHEAD_MS} ms per request on loopback")
    for label, overhead, same, n in verdicts:
        verdict = "MISS" if overhead is None or overhead * 1000 > TARGET_REMOTE_OVERHEAD_MS else "PASS"
        print(f"  {label:<34} measured {ms(overhead):>8}   {verdict}   "
              f"(remote candidates identical to in-process in {same}/{n})")
