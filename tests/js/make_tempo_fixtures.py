"""Write tests/js/fixtures/tempo_map.json and timecode.json from the Python side (engine/picture).

    .venv/bin/python tests/js/make_tempo_fixtures.py

tests/js/tempo-map.test.mjs and timecode.test.mjs replay every case with the JS ports
(static/js/core/tempo-map.js, timecode.js) and expect the same numbers exactly (JSON keeps a float's
shortest repr, which reads back to the same double) and the same refusals. Deterministic (fixed seed);
tests/engine/test_picture_fixtures.py fails when the committed JSON is not what this writes.
"""
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from engine.picture import tempo_map as tm  # noqa: E402
from engine.picture import timecode as tc  # noqa: E402

FIXTURES = ROOT / "tests" / "js" / "fixtures"
METERS = [[4, 4], [3, 4], [2, 4], [6, 8], [5, 8], [7, 8], [12, 8], [2, 2], [3, 2], [7, 16], [3, 32], [1, 1]]


def tempo_case(rng: random.Random, number: int) -> dict:
    meter = rng.choice(METERS)
    whole = rng.random() < 0.6  # the piece stores whole BPM today; the solver may give any tempo
    bpm = (lambda: rng.randint(20, 400)) if whole else (lambda: round(rng.uniform(20, 400), rng.choice([1, 3, 9])))
    tempo = bpm()
    changes, bar = [], 0
    for _ in range(0 if number < 20 else rng.randint(1, 6)):
        bar += rng.randint(1, 12)
        changes.append({"bar": bar, "tempo": bpm()})
    tmap = tm.build(meter, tempo, changes)
    per_bar = tm.bar_ticks(meter)
    last = (bar + 4) * per_bar
    ticks = [0, 1, per_bar, last, -per_bar, -1] + [c["bar"] * per_bar + d for c in changes for d in (-1, 0, 1)]
    ticks += [rng.randint(-per_bar, last) for _ in range(12)] + [rng.uniform(-per_bar, last) for _ in range(6)]
    end = tm.ticks_to_seconds(tmap, last)
    seconds = [0.0, end, -0.5] + [s.start_seconds for s in tmap.segments] + [rng.uniform(-1, end) for _ in range(12)]
    offset = rng.choice([0, rng.randint(0, 3_600_000_000)])
    return {
        "time_signature": meter, "tempo": tempo, "tempo_changes": changes, "start_offset_us": offset,
        "ticks": [[t, tm.ticks_to_seconds(tmap, t), tm.ticks_to_us(tmap, t, offset), tm.tempo_at(tmap, t),
                   list(_position(tm.position(tmap, t)))] for t in ticks],
        "seconds": [[s, tm.seconds_to_ticks(tmap, s)] for s in seconds],
        "us": [[u, tm.us_to_ticks(tmap, u, offset)] for u in (offset, offset + 1_234_567, offset + end * 1e6)],
    }


def _position(p):
    return p.bar, p.beat, p.ticks


TIME_TEXTS = ["12", "12.5", "0.000001", "0.0000005", "0.0000004", "1:02.250", "1:02:03.5", "75.25", "59:59",
              "23:59:59.999999", "24:00:00", "24:00:00.000001", ".5", "1.", "-1", "+1", "1e3", "12,5", "1:60",
              "1:2:3", "01:00:00:00", "00:00:59:24", "00:00:59:29", "00:00:00:30", "00:01:00;00", "00:01:00;02",
              "00:10:00;00", "00:10:00.01", "01:00:00.00", "00;01;00;02", "00:01:00.02", "24:00:00:00",
              "23:59:59:23", "23:59:59;29", "0:00:01:00", "00:00:01:5", " 00:00:01:00\t", "\u3000 12.5 ",
              "\ufeff12", "１２", "٣", "", "   ", "::", "00:00:00:00:00", "abc", "00:00:60:00", "00:60:00:00",
              "1" * 41, "00:00:01;00", "00:00:01.00", "99999999999999999999999999:00", "0:59.9999995"]


def timecode_cases(rng: random.Random) -> dict:
    cases = {}
    for fps in tc.RATES:
        rate = tc.RATES[fps]
        last = tc.parse_timecode(f"23:59:59{';' if rate.drop else ':'}{rate.nominal - 1:02d}", fps)
        frames = [0, 1, 2, 29, 30, 1799, 1800, 1801, 1802, 17981, 17982, 17983, 17984, 107892, last]
        frames += [rng.randint(0, last) for _ in range(60)]
        us = [0, 1, 20_000, 33_366, 33_367, 41_666, 41_667, 60_060_000, tc.MAX_US] + [rng.randint(0, tc.MAX_US)
                                                                                       for _ in range(40)]
        cases[fps] = {
            "frames": [[f, tc.format_timecode(f, fps), tc.frames_to_us(f, fps)] for f in frames],
            "us": [[u, tc.us_to_frames(u, fps), tc.frame_at(u, fps), tc.format_seconds(u)] for u in us],
            "texts": [[text, _parse(text, fps)] for text in TIME_TEXTS],
        }
    return cases


def _parse(text: str, fps: str):
    try:
        return tc.parse_time(text, fps)
    except ValueError:
        return None


def build() -> dict:
    rng = random.Random(20261204)
    return {"tempo_map.json": [tempo_case(rng, n) for n in range(80)], "timecode.json": timecode_cases(rng)}


def dump(data) -> str:
    if isinstance(data, list):  # one case per line: small diffs when the generator changes
        return "[\n" + ",\n".join(json.dumps(c, sort_keys=True, separators=(",", ":")) for c in data) + "\n]\n"
    return json.dumps(data, sort_keys=True, indent=1, ensure_ascii=True) + "\n"


def main():
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name, data in build().items():
        (FIXTURES / name).write_text(dump(data))
        print(f"wrote tests/js/fixtures/{name}")


if __name__ == "__main__":
    main()
