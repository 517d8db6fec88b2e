"""Room fan-out benchmark: N clients in one piece, edits at a fixed rate, latencies and memory.

    python -m bench.room [--clients 30] [--rate 20] [--seconds 20] [--idle 200]

Starts the real studio (daphne, in-memory channel layer, SQLite in WAL mode in a temp dir) on
127.0.0.1, then a bare `websockets` relay (bench/_relay.py) driven by the same clients at the
same rate, and prints both with their ratio and the studio's targets. Everything it starts or
writes is removed when it ends, also on Ctrl+C or an error. A benchmark, not a test: it exits 0
when it measured, whether or not the targets were met.
"""
import argparse
import asyncio
import os
import signal
import sys
import tempfile
from pathlib import Path

from deploy.processes import Server, free_port

from ._load import Client, Stats, Target, clock, close_all, drive, finish, open_socket
from ._stats import percentile
from ._studio import ROOT, machine_line, prepare_rooms, studio_env, use_env

STUDIO_LABEL = "studio (daphne + in-memory layer, SQLite WAL)"
BARE_LABEL = "bare websockets"
TARGETS = [("ack p99", "ack_p99", 0.015), ("broadcast p50", "bcast_p50", 0.010),
           ("broadcast p99", "bcast_p99", 0.030)]
TARGET_LOAD = (30, 20)  # the targets are set for 30 clients at 20 edits/s room-wide


def prepare_studio(n: int) -> tuple[int, str, list[str]]:
    """Migrate the temp database; n users, a piece they all edit and a session each."""
    (room,), cookies = prepare_rooms(rooms=1, editors=n)
    return room.piece_id, room.track, cookies


async def open_idle(target: Target, count: int, batch: int = 25):
    """`count` extra connections that only read (so nothing queues up in the server for them)."""
    async def drain(ws):
        async for _ in ws:
            pass
    sockets, tasks = [], []
    for first in range(0, count, batch):
        opened = await asyncio.gather(*(open_socket(target, i) for i in range(first, min(count, first + batch))))
        sockets += opened
        tasks += [asyncio.create_task(drain(ws)) for ws in opened]
    return sockets, tasks


async def run_phase(target: Target, server: Server, args) -> dict:
    stats = Stats(n=args.clients)
    # One connection opened and closed first, so one-off start-up costs (imports, the database
    # connection, thread pools) are not charged to the clients' memory.
    primer = await open_socket(target, 0)
    await primer.recv()
    await primer.close()
    await asyncio.sleep(0.5)
    rss_empty = server.rss()
    clients, idle, tasks = [], [], []
    load_before = os.getloadavg()
    try:
        clients = await asyncio.gather(*(Client.connect(target, i, stats) for i in range(args.clients)))
        tasks = [c.task for c in clients]
        await asyncio.sleep(0.5)
        rss_clients = server.rss()
        # The server's CPU time per edit, fan-out included: unlike latency, barely moved by other load.
        cpu_before = server.cpu_seconds()
        await drive(clients, target, stats, rate=args.rate, warmup=args.warmup, seconds=args.seconds)
        unrepaired = await finish(clients, stats, timeout=10)
        cpu_per_edit = (server.cpu_seconds() - cpu_before) / max(1, len(stats.sent))
        load_after = os.getloadavg()
        # A second figure from a bigger batch, so allocator granularity weighs less; these connect
        # after the edits, so each one's welcome carries the grown piece.
        rss_before_idle = server.rss()
        idle, idle_tasks = await open_idle(target, args.idle)
        tasks += idle_tasks
        await asyncio.sleep(1)
        rss_idle = server.rss()
    finally:
        await close_all([c.ws for c in clients] + idle, timeout=5)
        for task in tasks:
            task.cancel()
    measured = stats.measured()
    acks = [stats.acks[cid] for cid in measured if cid in stats.acks]
    bcast = stats.broadcast_latencies()
    return {"name": target.name, "sent": len(measured), "acked": len(acks), "complete": len(bcast),
            "ack_p50": percentile(acks, 50), "ack_p99": percentile(acks, 99),
            "bcast_p50": percentile(bcast, 50), "bcast_p99": percentile(bcast, 99),
            "cpu_per_edit": cpu_per_edit, "gaps": stats.gaps, "unrepaired": unrepaired,
            "errors": dict(stats.errors),
            "rss_per_client": (rss_clients - rss_empty) / args.clients,
            "rss_per_idle": (rss_idle - rss_before_idle) / args.idle if args.idle else None,
            "load": (load_before, load_after)}


def ms(value):
    return "-" if value is None else f"{value * 1000:.1f} ms"


def kib(value):
    return "-" if value is None else f"{value / 1024:.0f} KiB"


def ratio(a, b):
    return "-" if a is None or not b else f"x{a / b:.2f}"


def report(results: list[dict], args) -> None:
    studio, bare = results
    header = ["server", "ack p50", "ack p99", "bcast p50", "bcast p99", "CPU/edit", "gaps det/unrep",
              f"RSS/conn ({args.clients} clients)", f"RSS/conn (+{args.idle} idle)"]
    rows = [[r["name"], ms(r["ack_p50"]), ms(r["ack_p99"]), ms(r["bcast_p50"]), ms(r["bcast_p99"]),
             ms(r["cpu_per_edit"]), f"{r['gaps']}/{r['unrepaired']}", kib(r["rss_per_client"]), kib(r["rss_per_idle"])]
            for r in results]
    rows.append(["studio / bare"] + [ratio(studio[k], bare[k]) for k in ("ack_p50", "ack_p99", "bcast_p50",
                                                                          "bcast_p99", "cpu_per_edit")]
                + ["", ratio(studio["rss_per_client"], bare["rss_per_client"]),
                   ratio(studio["rss_per_idle"], bare["rss_per_idle"])])
    widths = [max(len(row[i]) for row in [header] + rows) for i in range(len(header))]
    print()
    for row in [header] + rows:
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))))
    print("ack: send -> ack at the sender; bcast: send -> the last of the clients has the event (sender too);\n"
          "CPU/edit: server CPU time per edit, fan-out included; RSS/conn: server memory growth per connection")
    print()
    for r in results:
        (b1, _, _), (a1, _, _) = r["load"]
        print(f"{r['name']}: {r['sent']} measured edits, {r['acked']} acked, {r['complete']} reached all "
              f"{args.clients} clients; errors: {r['errors'] or 'none'}; load average (1 min) "
              f"{b1:.2f} before, {a1:.2f} after")
    print()
    note = "" if (args.clients, args.rate) == TARGET_LOAD else \
        f"  (targets are set for {TARGET_LOAD[0]} clients at {TARGET_LOAD[1]} edits/s; this run differs)"
    print(f"targets, studio:{note}")
    for label, key, limit in TARGETS:
        value = studio[key]
        verdict = "MISS" if value is None or value > limit else "PASS"
        print(f"  {label:<17} <= {limit * 1000:>4.0f} ms   measured {ms(value):>9}   {verdict}")
    verdict = "PASS" if studio["unrepaired"] == 0 and studio["complete"] == studio["sent"] else "MISS"
    print(f"  {'gaps unrepaired':<17}  = {0:>4}      measured {studio['unrepaired']:>6}      {verdict}")


def run(args, tmp: Path) -> list[dict]:
    env = studio_env(str(tmp), as_deployed=True)
    use_env(env)  # the set-up below runs in this process, on the same settings
    print("setting up: migrate, users, piece, sessions ...", flush=True)
    piece_id, track, cookies = prepare_studio(args.clients)
    results = []
    port = free_port()
    argv = [sys.executable, "-m", "studio.serve", "--port", str(port)]
    with Server(argv, port=port, env=env, log_path=tmp / "daphne.log", cwd=ROOT) as server:
        print(f"measuring {STUDIO_LABEL} on port {port} ...", flush=True)
        target = Target(STUDIO_LABEL, [f"ws://127.0.0.1:{port}/ws/pieces/{piece_id}/"], f"http://127.0.0.1:{port}",
                        cookies, track)
        results.append(asyncio.run(run_phase(target, server, args)))
    port = free_port()
    argv = [sys.executable, "-m", "bench._relay", str(port)]
    with Server(argv, port=port, env=env, log_path=tmp / "relay.log", cwd=ROOT) as server:
        print(f"measuring {BARE_LABEL} on port {port} ...", flush=True)
        target = Target(BARE_LABEL, [f"ws://127.0.0.1:{port}/"], f"http://127.0.0.1:{port}", [""], "t1")
        results.append(asyncio.run(run_phase(target, server, args)))
    return results


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.room", description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=30, help="connections in the room (default 30)")
    parser.add_argument("--rate", type=float, default=20, help="edits per second, room-wide (default 20)")
    parser.add_argument("--seconds", type=float, default=20, help="measured seconds per server (default 20)")
    parser.add_argument("--warmup", type=float, default=2, help="unmeasured seconds first (default 2)")
    parser.add_argument("--idle", type=int, default=200, help="idle connections for the memory figure (default 200)")
    args = parser.parse_args(argv)
    # Bounded by construction: every phase is a fixed count of edits and connections.
    if not (1 <= args.clients <= 500 and 0 < args.rate <= 200 and 0 < args.seconds <= 300
            and 0 <= args.warmup <= 30 and 0 <= args.idle <= 1000):
        parser.error("keep --clients 1-500, --rate 0-200, --seconds 0-300, --warmup 0-30, --idle 0-1000")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    # SIGTERM unwinds like Ctrl+C, so the `with` blocks stop the servers and remove the temp dir.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(machine_line())
    print(f"load: {args.clients} clients in one room, {args.rate:g} edits/s room-wide, {args.warmup:g} s warm-up + "
          f"{args.seconds:g} s measured per server, all on 127.0.0.1")
    started = clock()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-room-") as tmp:
            results = run(args, Path(tmp))
    except KeyboardInterrupt:
        print("\ninterrupted: servers stopped, temp files removed", file=sys.stderr)
        return 130
    report(results, args)
    print(f"\ndone in {clock() - started:.0f} s; load average now {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
