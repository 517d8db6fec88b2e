"""Model server benchmark: latency and throughput of `python -m engine.serve` on its own.

    python -m bench.model_server [--device cpu|cuda] [--requests 10] [--clients 8] [--workers 1]
    python -m bench.model_server --url http://gpu1:8765 --token T     # a server already running

Starts the reference server with the shipped neural model on 127.0.0.1 (unless --url), then
1. latency: one client, 4 candidates of a 4-bar harmonization (A, T, B under a soprano melody), one
   request at a time;
2. throughput: `--clients` clients at once, each sending `--requests` such requests back to back
   (RemoteGenerator, so `overloaded` answers are retried after retry_after, as the studio would).
Prints p50/p99 latency, requests per second, the engine's own time and the server's queue time.
"""
import argparse
import os
import secrets
import sys
import tempfile
import threading
from pathlib import Path

from deploy.processes import Server, free_port

from ._load import clock
from ._stats import percentile
from ._remote import engine_request
from ._studio import ROOT

MELODY = [67, 67, 69, 71, 72, 71, 69, 67, 69, 71, 72, 74, 71, 69, 67, 67]   # 4 bars of quarters
CASE = ("harmonize", (1, 2, 3), [0, 4])                                       # A T B under the melody, 4 bars
CANDIDATES = 4


def run_clients(remote, clients, requests):
    """`clients` threads, each sending `requests` requests; returns (seconds, [(round trip, response)])."""
    out, lock = [], threading.Lock()

    def client(c):
        for i in range(requests):
            request = engine_request(MELODY, *CASE, CANDIDATES, 1000 * c + i)
            t0 = clock()
            res = remote.generate(request)
            with lock:
                out.append((clock() - t0, res))
    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    started = clock()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return clock() - started, out


def summary(label, seconds, results):
    rt = [r for r, _ in results]
    engine = [res.timings["total_ms"] / 1000 for _, res in results]
    queue = [res.timings.get("queue_ms", 0) / 1000 for _, res in results]
    ms = lambda s: f"{s * 1000:.0f} ms"
    print(f"{label:<28} n={len(rt):<3} latency p50 {ms(percentile(rt, 50))}, p99 {ms(percentile(rt, 99))}; "
          f"engine p50 {ms(percentile(engine, 50))}; queue p50 {ms(percentile(queue, 50))}; "
          f"{len(rt) / seconds:.2f} requests/s")


def measure(url, token, args):
    from engine.remote import RemoteGenerator
    remote = RemoteGenerator(url, token, timeout=600, retries=1000, backoff=0.05)
    caps = remote.capabilities()
    print(f"model: {caps.name} {caps.version} on {caps.device}; server: {caps.limits['timeout_s']:g} s timeout")
    run_clients(remote, 1, 2)                                                      # warm-up, not counted
    summary("1 client, one at a time", *run_clients(remote, 1, args.requests))
    summary(f"{args.clients} clients at once", *run_clients(remote, args.clients, args.requests))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.model_server", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running model server (default: start one here)")
    parser.add_argument("--token", default=os.environ.get("STUDIO_MODEL_TOKEN"))
    parser.add_argument("--device", default="cpu", help="for the server started here: cpu or cuda")
    parser.add_argument("--workers", type=int, default=1, help="for the server started here")
    parser.add_argument("--requests", type=int, default=10, help="requests per client (default 10)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    args = parser.parse_args(argv)
    print(f"4 candidates of a 4-bar harmonization (A, T, B under a soprano melody); {os.cpu_count()} CPUs; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.url:
        measure(args.url, args.token, args)
        return 0
    token, port = secrets.token_hex(16), free_port()
    argv = [sys.executable, "-m", "engine.serve", "--port", str(port), "--token", token, "--option",
            f"device={args.device}", "--workers", str(args.workers), "--queue", str(args.clients), "--timeout", "300"]
    with tempfile.TemporaryDirectory(prefix="bench-model-server-") as tmp, \
            Server(argv, port=port, env=dict(os.environ), log_path=Path(tmp) / "serve.log", cwd=ROOT):
        measure(f"http://127.0.0.1:{port}", token, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
