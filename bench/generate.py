"""Generation benchmark: ask the AI in a room, time request -> proposal, next to the engine alone.

    python -m bench.generate [--requests 20] [--budget 600]

Starts the real studio on 127.0.0.1 (daphne, in-memory layer, SQLite, jobs in the in-process pool,
the shipped neural model on CPU) with a four-voice piece, and one client that sends `generate`,
waits for the `proposal`, then for `ready`, and rejects it. After each request, with the server
idle again, the same engine request (same piece, region, seed, candidates) runs in this process,
on a worker thread with torch's default threads, as in the server.
Stack overhead per request = end-to-end minus the engine time the proposal reports for that job.
Then the remote path (bench/_remote.py): the same engine requests in this process and through a model
server (`python -m engine.serve` on 127.0.0.1 via engine.remote.RemoteGenerator), alternating; its
overhead per request is the round trip minus the engine time the server reports. `--remote-only`
skips the studio part.
Everything started or written is removed when it ends, also on Ctrl+C or an error.
"""
import argparse
import asyncio
import json
import os
import platform
import signal
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

from websockets.exceptions import ConnectionClosed

from deploy.processes import Server, free_port

from . import _remote
from ._load import Target, clock, open_socket
from ._stats import percentile
from ._stats import cpu_model
from ._studio import PRODUCTION_SWITCHES, ROOT, studio_env

TARGET_OVERHEAD_MS = 50  # the stack may add at most this much, p50, on top of the engine
SATB = [{"name": n, "program": 52, "pitch_range": r}
        for n, r in (("Soprano", [60, 81]), ("Alto", [53, 74]), ("Tenor", [48, 69]), ("Bass", [36, 62]))]
MELODY = [67, 67, 69, 71, 72, 71, 69, 67, 69, 71, 72, 74, 71, 69, 67, 67]  # 16 quarters on the soprano
# (label, operation, which of the SATB tracks the engine writes, bars [first, after_last])
CASES = [("infill 1 bar x 4 voices, 4 cand.", "infill", (0, 1, 2, 3), [1, 2]),
         ("harmonize 2 bars (A T B), 4 cand.", "harmonize", (1, 2, 3), [1, 3])]
CANDIDATES = 4
TIMEOUT = 120  # seconds one request may take before the benchmark gives up


def prepare_studio() -> tuple[int, str]:
    """Migrate the temp database; a user, an SATB piece in G major with a melody, and a session.

    Runs in this process on the server's settings; connections are closed afterwards so only the
    server touches the database during the run.
    """
    import django
    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connections

    from composer_ui import selectors, services

    call_command("migrate", interactive=False, verbosity=0)
    user = get_user_model()(username="bench", first_name="Bench")
    user.set_unusable_password()  # hashing a password costs CPU and the session needs none
    user.save()
    piece = services.piece_create(owner=user, title="Bench generate", key="G major", tracks=SATB)
    soprano = selectors.piece_state(piece_id=piece.pk)[1]["tracks"][0]["id"]
    # The owner lifts the hourly AI quota (default 60) so a long run is never refused mid-way.
    ops = [{"op": "piece.update", "ai_quota_per_hour": 1000}]
    ops += [{"op": "note.add", "id": f"m{i}", "track": soprano, "start": i * 480, "duration": 480, "pitch": p}
            for i, p in enumerate(MELODY)]
    services.ops_apply(piece_id=piece.pk, user=user, ops=ops, client_op_id=None)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    connections.close_all()
    return piece.pk, session.session_key


async def until(ws, wanted, what: str):
    """Read frames until `wanted(frame)`; return (receive time, frame). An `error` frame aborts."""
    async def read():
        while True:
            text = await ws.recv()
            now = clock()
            frame = json.loads(text)
            if frame.get("type") == "error":
                raise RuntimeError(f"server refused ({what}): {frame.get('code')}: {frame.get('message')}")
            if frame.get("type") == "job" and frame.get("status") in ("failed", "cancelled"):
                raise RuntimeError(f"job {frame['job_id']} {frame['status']} ({what}): {frame.get('reason')}")
            if wanted(frame):
                return now, frame
    return await asyncio.wait_for(read(), TIMEOUT)


async def via_server(ws, name: str, operation: str, tracks: list, bars: list, seed: int) -> tuple[float, dict]:
    """One request through the room: send -> proposal received. Returns (seconds, proposal)."""
    rid = f"b-{name}"
    sent = clock()
    await ws.send(json.dumps({"type": "generate", "request_id": rid, "operation": operation, "tracks": tracks,
                              "bars": bars, "candidates": CANDIDATES, "seed": seed}))
    _, job = await until(ws, lambda f: f.get("type") == "job" and f.get("request_id") == rid, rid)
    job_id = job["job_id"]
    received, proposal = await until(ws, lambda f: f.get("type") == "proposal" and f["job_id"] == job_id, rid)
    # Not timed: let the job finish and reject it, so the server is idle (and holds no active
    # job against the admission limits) before the engine runs in this process.
    await until(ws, lambda f: f.get("type") == "job" and f["job_id"] == job_id and f["status"] == "ready", rid)
    await ws.send(json.dumps({"type": "decide", "job_id": job_id, "reject": True}))
    await until(ws, lambda f: f.get("type") == "decided" and f["job_id"] == job_id, rid)
    return received - sent, proposal


def in_process(state: dict, operation: str, tracks: list, bars: list, seed: int) -> tuple[float, dict]:
    """The same engine request the server builds for that job (engine_bridge.engine_request), timed alone."""
    from composer_ui import engine_bridge

    job = SimpleNamespace(operation=operation, tracks=tracks, start_bar=bars[0], end_bar=bars[1], controls={},
                          num_candidates=CANDIDATES, seed=seed)
    request = engine_bridge.engine_request(state, job)
    generator = engine_bridge.generator()  # loaded by run(), before the server starts
    started = clock()
    response = generator.generate(request)
    return clock() - started, response.to_dict()


async def measure(target: Target, args) -> dict:
    # The server loads the model on one thread (the first capabilities() call) and runs it on a
    # one-worker pool thread (composer_ui/jobs.py); so does this process. It matters on a busy
    # 2-core machine: the same call was often 5-20x slower on the thread that had loaded the model.
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine")
    loop = asyncio.get_running_loop()
    ws = await open_socket(target, 0)
    try:
        _, welcome = await until(ws, lambda f: f.get("type") == "welcome", "welcome")
        state = welcome["state"]
        ids = [t["id"] for t in state["tracks"]]
        cases = [(label, op, [ids[i] for i in which], bars) for label, op, which, bars in CASES]
        print("warm-up (not counted): one request through the room, one in this process ...", flush=True)
        label, op, tracks, bars = cases[0]
        await via_server(ws, "warmup", op, tracks, bars, 10_000)
        await loop.run_in_executor(pool, in_process, state, op, tracks, bars, 10_000)
        results = {label: {"e2e": [], "engine": [], "reported": [], "overhead": [], "same": 0} for label, *_ in cases}
        started = clock()
        # Request i of every case, then i + 1: slow drift in the machine's load hits all columns alike.
        for i in range(args.requests):
            if clock() - started > args.budget:
                print(f"budget of {args.budget:g} s spent: stopping after {i} requests per case", flush=True)
                break
            for label, op, tracks, bars in cases:
                e2e, proposal = await via_server(ws, f"{i}-{op}", op, tracks, bars, i)
                # The engine here only once the server is idle: 2 cores cannot run two models fairly.
                engine, response = await loop.run_in_executor(pool, in_process, state, op, tracks, bars, i)
                r = results[label]
                reported = proposal["timings"]["total_ms"] / 1000
                for key, value in (("e2e", e2e), ("engine", engine), ("reported", reported),
                                   ("overhead", e2e - reported)):
                    r[key].append(value)
                # Same request and seed must give the same candidates: proof both sides ran one request.
                r["same"] += [c["notes"] for c in response["candidates"]] == [c["notes"] for c in proposal["candidates"]]
            print(f"  {i + 1}/{args.requests} done", flush=True)
        return results
    finally:
        await ws.close()
        pool.shutdown(wait=True)


def ms(seconds, signed=False):
    return "-" if seconds is None else f"{seconds * 1000:{'+' if signed else ''}.0f} ms"


def report(results: dict) -> None:
    header = ["case", "n", "e2e p50", "e2e p95", "engine p50", "engine p95", "reported p50", "overhead p50",
              "overhead p95", "e2e/engine", "e2e-engine p50"]
    rows, verdicts, notes = [], [], []
    for label, r in results.items():
        p = {key: (percentile(r[key], 50), percentile(r[key], 95)) for key in ("e2e", "engine", "reported", "overhead")}
        e2e50, eng50 = p["e2e"][0], p["engine"][0]
        rows.append([label, str(len(r["e2e"])), ms(e2e50), ms(p["e2e"][1]), ms(eng50), ms(p["engine"][1]),
                     ms(p["reported"][0]), ms(p["overhead"][0], True), ms(p["overhead"][1], True),
                     "-" if not eng50 else f"x{e2e50 / eng50:.3f}",
                     "-" if eng50 is None else ms(e2e50 - eng50, True)])
        verdicts.append((label, p["overhead"][0], r["same"], len(r["e2e"])))
        if eng50 and abs(eng50 / p["reported"][0] - 1) > 0.25:  # e.g. other load on the CPUs
            notes.append(f"note: {label}: the engine took {ms(eng50)} here but {ms(p['reported'][0])} in the server; "
                         "the ratio and e2e-engine are unreliable, overhead (per job) is not")
    widths = [max(len(row[i]) for row in [header] + rows) for i in range(len(header))]
    print()
    for row in [header] + rows:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
    print("e2e: send `generate` -> `proposal` received (WebSocket, job, engine, broadcast); engine: the same\n"
          "request in this process; reported: the engine's own total_ms carried by the proposal; overhead:\n"
          "e2e minus reported, per request; e2e-engine: e2e p50 minus in-process engine p50")
    for note in notes:
        print(note)
    print()
    print(f"target: stack overhead p50 <= {TARGET_OVERHEAD_MS} ms on top of the engine")
    for label, overhead, same, n in verdicts:
        verdict = "MISS" if overhead is None or overhead * 1000 > TARGET_OVERHEAD_MS else "PASS"
        print(f"  {label:<34} measured {ms(overhead):>7}   {verdict}   "
              f"(in-process candidates identical to the proposal's in {same}/{n})")


def load_line() -> str:
    one, five, fifteen = os.getloadavg()
    busy = " - HIGH: other work (a training job?) shares the CPUs; absolute ms are inflated" \
        if one > 0.5 * (os.cpu_count() or 1) else ""
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}{busy}"


def run(args, tmp: Path) -> dict:
    env = studio_env(str(tmp), as_deployed=True)
    # One request at a time never queues, but a generous bound keeps a slow run from being refused.
    env["STUDIO_GENERATION_QUEUE_MAX"] = "1000"
    os.environ.update(env)  # the set-up and the in-process engine use the server's settings
    for name in PRODUCTION_SWITCHES:
        os.environ.pop(name, None)
    print("setting up: migrate, user, SATB piece with a melody, session ...", flush=True)
    piece_id, cookie = prepare_studio()
    from composer_ui import engine_bridge
    engine_bridge.generator()  # the model is loaded here, on the main thread, and run on the pool's
    port = free_port()
    argv = [sys.executable, "-m", "studio.serve", "--port", str(port)]
    with Server(argv, port=port, env=env, log_path=tmp / "daphne.log", cwd=ROOT):
        print(f"measuring on port {port} ...", flush=True)
        target = Target("studio", [f"ws://127.0.0.1:{port}/ws/pieces/{piece_id}/"], f"http://127.0.0.1:{port}",
                        [cookie], "")
        return asyncio.run(measure(target, args))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20, help="measured requests per case (default 20)")
    parser.add_argument("--budget", type=float, default=600,
                        help="seconds after which no new request starts; what was measured is reported (default 600)")
    parser.add_argument("--remote-only", action="store_true",
                        help="measure only the remote model server against in-process (no studio)")
    args = parser.parse_args(argv)
    if not (1 <= args.requests <= 200 and 0 < args.budget <= 3600):
        parser.error("keep --requests 1-200 and --budget 0-3600")
    # SIGTERM unwinds like Ctrl+C, so the `with` blocks stop the server and remove the temp dir.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.environ["STUDIO_DEVICE"] = "cpu"  # the CPU path, on both sides (the server inherits the environment)
    import torch  # the server's engine uses torch's default thread count in the same environment: so does ours

    print(f"machine: {os.cpu_count()} CPUs, {cpu_model()}; Python {platform.python_version()}; "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads (default, as in the server); {load_line()}")
    print(f"load: one client, {args.requests} requests per case, one at a time, {CANDIDATES} candidates, "
          f"seeds 0..{args.requests - 1}; CPU (STUDIO_DEVICE=cpu); all on 127.0.0.1")
    started = clock()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-generate-") as tmp:
            results = None if args.remote_only else run(args, Path(tmp))
            cases = [(label, op, which, bars) for label, op, which, bars in CASES]
            remote = _remote.measure(args, Path(tmp), cases, MELODY, CANDIDATES)
    except KeyboardInterrupt:
        print("\ninterrupted: server stopped, temp files removed", file=sys.stderr)
        return 130
    except (RuntimeError, asyncio.TimeoutError, OSError, ConnectionClosed, ValueError) as error:
        print(f"\nfailed: {type(error).__name__}: {error}\n(server stopped, temp files removed)", file=sys.stderr)
        return 1
    if results is not None:
        report(results)
    _remote.report(remote)
    print(f"\ndone in {clock() - started:.0f} s; now {load_line()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
