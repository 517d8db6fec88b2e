"""python -m engine.conformance URL [--token T]: check a model server, print a pass/fail table."""
import argparse
import os
import sys

from engine import protocol as P
from engine.conformance import run_kit, table


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m engine.conformance",
                                     description="Check a model server against the model protocol v1.")
    parser.add_argument("url", help="the server's base URL, e.g. http://127.0.0.1:8765")
    parser.add_argument("--token", default=os.environ.get(P.TOKEN_ENV),
                        help=f"bearer token (default: ${P.TOKEN_ENV})")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request (default 60)")
    parser.add_argument("--repeat", type=int, default=3, help="requests per operation, same seed (default 3)")
    args = parser.parse_args(argv)
    if args.repeat < 2:
        parser.error("--repeat must be at least 2 (the same-seed check compares repeats)")
    checks = run_kit(args.url, args.token, timeout=args.timeout, repeat=args.repeat)
    print(table(checks))
    return 0 if all(c.passed for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
