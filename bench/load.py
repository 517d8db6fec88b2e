"""Load harness: rooms x clients x edit rate against the real studio, next to a bare WebSocket relay.

    python -m bench.load [--scenarios c1,c2,c3,c4] [--short | --full] [--minutes M] [--seconds S]
                         [--production [--web-processes N]] [--no-baseline]

Scenarios (targets from docs/performance.md and issue 8):
  c1  1 room x 40 clients (30 editors + 10 viewers) at 20 edits/s room-wide: broadcast p99 <= 30 ms,
      0 unrepaired gaps (the full target runs 10 minutes: --minutes 10)
  c2  20 rooms x 25 clients x 2 edits/s = 1,000 deliveries/s in one process: p99 <= 100 ms
  c3  3x c2 (3,000 deliveries/s) with one client per room that stops reading for a while: the server
      sheds (slow clients closed with 4008 and resynced, senders rate-limited), memory stays bounded,
      0 silent losses (every gap detected and repaired, every edit acked or refused with a reason)
  c4  1,000 clients whose connections all drop at once reconnect with jittered backoff: all back
      within 5 s, 0 failed handshakes

Each scenario gets a fresh server: the studio (`python -m studio.serve`: daphne, embedded SQLite WAL
and in-memory layer; with --production the DATABASE_URL / REDIS_URL of the environment), then the
bare `websockets` relay of bench/_relay.py driven by the same clients. All on 127.0.0.1; everything
started or written is removed at the end, also on Ctrl+C. A benchmark, not a test: it exits 0 when
it measured, and prints PASS or MISS per target.
"""
import argparse
import asyncio
import contextlib
import signal
import sys
import tempfile
from pathlib import Path

from deploy.processes import Server, free_port

from ._load import Target, clock
from ._report import print_report
from ._scenarios import Scenario, run_rooms, run_storm
from ._studio import ROOT, machine_line, prepare_rooms, studio_env, use_env

SHORT_SECONDS = 15
FULL_SECONDS = 120  # c2 and c3 with --full; c1 runs --minutes (10 with --full)


def scenarios(args) -> dict[str, Scenario]:
    c1_seconds = args.minutes * 60 if args.minutes else (600 if args.full else args.seconds)
    seconds = FULL_SECONDS if args.full and not args.seconds_given else args.seconds
    return {
        "c1": Scenario("c1", "C1/L2 one class", rooms=1, editors=30, viewers=10, rate=20, seconds=c1_seconds),
        "c2": Scenario("c2", "C2 1,000 deliveries/s", rooms=20, editors=20, viewers=5, rate=2, seconds=seconds),
        "c3": Scenario("c3", "C3 3x C2, slow readers", rooms=20, editors=20, viewers=5, rate=6, seconds=seconds,
                       stall=(1, min(10.0, seconds / 2))),
        "c4": Scenario("c4", "C4 reconnect storm", rooms=20, editors=50, viewers=0, rate=0, seconds=5, storm=True),
    }


def studio_label(production: bool, web_processes: int = 1) -> str:
    name = "studio" if web_processes == 1 else f"studio x{web_processes}"
    return (f"{name} (daphne, Redis layer, PostgreSQL, DEBUG off)" if production
            else f"{name} (daphne, in-memory layer, SQLite WAL, DEBUG off)")


class ServerGroup:
    """Several web processes measured as one: their memory is the sum."""

    def __init__(self, servers: list[Server]):
        self.servers = servers

    def rss(self) -> int:
        return sum(server.rss() for server in self.servers)


def measure(scenario: Scenario, targets: list[Target], server) -> dict:
    runner = run_storm if scenario.storm else run_rooms
    return asyncio.run(runner(targets, server, scenario))


def run(args, chosen: list[Scenario], tmp: Path) -> list[tuple[Scenario, dict, dict | None]]:
    env = studio_env(str(tmp), production=args.production, as_deployed=True)
    use_env(env)  # the set-up below runs in this process, on the server's settings
    print("setting up: migrate, users, pieces, sessions ...", flush=True)
    prepared = {s.key: prepare_rooms(rooms=s.rooms, editors=s.editors, viewers=s.viewers) for s in chosen}
    results = []
    label = studio_label(args.production, args.web_processes)
    for scenario in chosen:
        rooms, cookies = prepared[scenario.key]
        ports = [free_port() for _ in range(args.web_processes)]
        with contextlib.ExitStack() as stack:
            servers = ServerGroup([stack.enter_context(Server(
                [sys.executable, "-m", "studio.serve", "--port", str(port)], port=port, env=env,
                log_path=tmp / f"daphne-{scenario.key}-{port}.log", cwd=ROOT)) for port in ports])
            print(f"{scenario.key}: {label} on port {', '.join(map(str, ports))} ...", flush=True)
            # Like nginx's least_conn in front of several processes: a room's clients take turns.
            targets = [Target(label, [f"ws://127.0.0.1:{port}/ws/pieces/{room.piece_id}/" for port in ports],
                              f"http://127.0.0.1:{ports[0]}", cookies, room.track) for room in rooms]
            studio = measure(scenario, targets, servers)
        bare = None
        if not args.no_baseline:
            port = free_port()
            argv = [sys.executable, "-m", "bench._relay", str(port)]
            with Server(argv, port=port, env=env, log_path=tmp / f"relay-{scenario.key}.log", cwd=ROOT) as server:
                print(f"{scenario.key}: bare websockets on port {port} ...", flush=True)
                targets = [Target("bare websockets", [f"ws://127.0.0.1:{port}/room-{r}"], f"http://127.0.0.1:{port}",
                                  [""], "t1") for r in range(scenario.rooms)]
                bare = measure(scenario, targets, server)
        results.append((scenario, studio, bare))
    return results


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--scenarios", default="c1,c2,c3,c4", help="comma-separated (default all)")
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--short", action="store_true", help=f"the default: {SHORT_SECONDS} s measured per scenario")
    length.add_argument("--full", action="store_true",
                        help=f"the full targets: c1 for 10 minutes, c2 and c3 for {FULL_SECONDS} s")
    parser.add_argument("--minutes", type=float, help="c1's measured minutes (the C1/L2 target: 10)")
    parser.add_argument("--seconds", type=float, help="measured seconds of c2, c3 (and c1 without --minutes)")
    parser.add_argument("--production", action="store_true",
                        help="the studio on PostgreSQL + Redis from DATABASE_URL / REDIS_URL")
    parser.add_argument("--web-processes", type=int, default=1, metavar="N",
                        help="serve with N daphne processes (needs --production: the in-memory layer is per process)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the bare websockets relay")
    args = parser.parse_args(argv)
    if not 1 <= args.web_processes <= 4 or (args.web_processes > 1 and not args.production):
        parser.error("--web-processes takes 1 to 4, and more than 1 only with --production")
    args.seconds_given = args.seconds is not None
    args.seconds = args.seconds if args.seconds_given else SHORT_SECONDS
    keys = [k.strip() for k in args.scenarios.split(",") if k.strip()]
    unknown = [k for k in keys if k not in ("c1", "c2", "c3", "c4")]
    if unknown or not keys:
        parser.error(f"--scenarios takes c1, c2, c3, c4 (got {args.scenarios!r})")
    # Bounded by construction: every scenario is a fixed count of clients and edits.
    if not (0 < args.seconds <= 1800 and (args.minutes is None or 0 < args.minutes <= 60)):
        parser.error("keep --seconds within 0-1800 and --minutes within 0-60")
    args.keys = keys
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    # SIGTERM unwinds like Ctrl+C, so the `with` blocks stop the servers and remove the temp dir.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    chosen = [s for k, s in scenarios(args).items() if k in args.keys]
    print(machine_line())
    print("server under test: " + studio_label(args.production, args.web_processes)
          + "; clients and servers all on 127.0.0.1")
    started = clock()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
            results = run(args, chosen, Path(tmp))
    except KeyboardInterrupt:
        print("\ninterrupted: servers stopped, temp files removed", file=sys.stderr)
        return 130
    print_report(results)
    print(f"\ndone in {clock() - started:.0f} s; {machine_line().split('; ')[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
