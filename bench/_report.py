"""bench.load's table and its PASS/MISS lines."""
MIB = 1024 * 1024
RSS_GROWTH_LIMIT = 128 * MIB  # C3 "memory bounded": the peak may grow this much over the start, no more


def ms(value):
    return "-" if value is None else f"{value * 1000:.1f}"


def ratio(a, b):
    return "-" if a is None or not b else f"x{a / b:.1f}"


def rss(triple):
    return "/".join(f"{v / MIB:.0f}" for v in triple)


def counts(mapping):
    return ",".join(f"{k}:{v}" for k, v in sorted(mapping.items(), key=str)) or "0"


def table(header, rows):
    widths = [max(len(str(row[i])) for row in [header] + rows) for i in range(len(header))]
    for row in [header] + rows:
        print("  ".join(str(c).ljust(w) if i < 2 else str(c).rjust(w) for i, (c, w) in enumerate(zip(row, widths))))


def room_row(scenario, r, bare):
    load = f"{scenario.rooms}x{scenario.clients}@{scenario.rate:g}/s"
    return [scenario.key, r["name"].split(" (")[0], load, f"{r['deliveries_per_s']:.0f}/{r['offered']:.0f}",
            f"{ms(r['ack_p50'])}/{ms(r['ack_p99'])}", f"{ms(r['bcast_p50'])}/{ms(r['bcast_p99'])}",
            ratio(r["bcast_p99"], bare and bare["bcast_p99"]) if bare else "",
            f"{r['gaps']}/{r['unrepaired']}", counts(r["closes"]), f"{r['reconnects']}/{r['failed_handshakes']}",
            str(r["retried"]), counts(r["errors"]), f"{r['complete']}/{r['sent']}", rss(r["rss"])]


def storm_row(scenario, r, bare):
    return [scenario.key, r["name"].split(" (")[0], f"{r['back']}/{r['clients']}",
            f"{ms(r['back_p50'])}/{ms(r['back_p99'])}/{ms(r['all_back'])}",
            ratio(r["all_back"], bare and bare["all_back"]) if bare else "", str(r["failed_handshakes"]), rss(r["rss"])]


def verdicts(scenario, r):
    """(label, limit text, measured text, passed) per target of the scenario."""
    out = []
    if scenario.storm:
        out.append(("all back within", "5 s", f"{ms(r['all_back'])} ms", r["all_back"] is not None
                    and r["all_back"] <= 5 and r["back"] == r["clients"]))
        out.append(("failed handshakes", "0", str(r["failed_handshakes"]), r["failed_handshakes"] == 0))
        return out
    if scenario.key == "c1":
        out.append(("ack p99", "<= 15 ms", ms(r["ack_p99"]) + " ms", (r["ack_p99"] or 9) <= 0.015))
        out.append(("broadcast p50", "<= 10 ms", ms(r["bcast_p50"]) + " ms", (r["bcast_p50"] or 9) <= 0.010))
        out.append(("broadcast p99", "<= 30 ms", ms(r["bcast_p99"]) + " ms", (r["bcast_p99"] or 9) <= 0.030))
    if scenario.key == "c2":
        out.append(("broadcast p99", "<= 100 ms", ms(r["bcast_p99"]) + " ms", (r["bcast_p99"] or 9) <= 0.100))
        out.append(("deliveries/s", f">= {0.97 * r['offered']:.0f}", f"{r['deliveries_per_s']:.0f}",
                    r["deliveries_per_s"] >= 0.97 * r["offered"]))
    if scenario.key == "c3":
        growth = r["rss"][1] - r["rss"][0]
        out.append(("RSS peak - start", f"<= {RSS_GROWTH_LIMIT // MIB} MiB", f"{growth / MIB:.0f} MiB",
                    growth <= RSS_GROWTH_LIMIT))
        out.append(("edits unanswered", "0", str(r["unanswered"]), r["unanswered"] == 0))
    out.append(("gaps unrepaired", "0", str(r["unrepaired"]), r["unrepaired"] == 0))
    if scenario.key in ("c1", "c2"):
        out.append(("edits reaching all", f"{r['sent']}", str(r["complete"]), r["complete"] == r["sent"]))
    return out


def _with_baselines(results, row) -> list:
    """A row per scenario for the studio, each followed by its bare relay's row when there is one."""
    rows = []
    for s, studio, bare in results:
        rows.append(row(s, studio, bare))
        if bare:
            rows.append(row(s, bare, None))
    return rows


def print_report(results) -> None:
    rooms = [(s, studio, bare) for s, studio, bare in results if not s.storm]
    storms = [(s, studio, bare) for s, studio, bare in results if s.storm]
    if rooms:
        print()
        rows = _with_baselines(rooms, room_row)
        table(["", "server", "rooms x clients@edits/s", "deliv/s got/offered", "ack p50/p99 ms",
               "bcast p50/p99 ms", "p99 / bare", "gaps det/unrep", "closes by code", "reconn/failed",
               "retried", "refused", "complete/edits", "RSS MiB start/peak/end"], rows)
        print("ack: send -> ack at the sender; bcast: send -> the last client of the room has the event (repairs\n"
              "included); gaps: holes in seq a client noticed and filled with `sync` (unrep: clients still behind\n"
              "at the end); closes: server closes by WebSocket code (4008 = shed as too slow); retried: rate_limited\n"
              "or unavailable answers re-sent after retry_after; refused: final refusals by code; complete: measured\n"
              "edits that reached every client of their room")
    if storms:
        print()
        rows = _with_baselines(storms, storm_row)
        table(["", "server", "back/clients", "back p50/p99/all ms", "all / bare", "failed handshakes",
               "RSS MiB start/peak/end"], rows)
        print("back: time from every connection dropping at once until the client has its welcome again")
    print("\ntargets, studio:")
    for s, studio, _ in results:
        for label, limit, measured, passed in verdicts(s, studio):
            print(f"  {s.key} {label:<19} {limit:>12}   measured {measured:>10}   {'PASS' if passed else 'MISS'}")
