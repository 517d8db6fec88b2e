"""Notation benchmark: how long the score pane takes to show an edit made elsewhere.

    python -m bench.notation [--edits 9]

Starts the real studio on 127.0.0.1 (tests/studio_server.py: daphne, SQLite) and Debian's Chromium
(Playwright). For pieces of 8 bars / 100 notes (the baseline), 32 bars / 600 notes and 64 bars / 1,500
notes (four tracks of random notes: dense, every track on a grand staff, the worst case for engraving),
it opens the studio with the score shown (following the roll, the default) and times, for each edit sent
over the HTTP API by the same user (a remote edit to the page's room), the seconds until the pane shows
that version; and, inside the page, OpenSheetMusicDisplay's load (parse) and render (engrave) per
redraw. Prints p50/p99 and each piece's ratio to the baseline measured in the same run.
"""
import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._stats import percentile  # noqa: E402

PIECES = [(8, 100), (32, 600), (64, 1500)]
TIMERS = """() => { const s = window.studio.notation.score; window.timed = {load: [], render: []};
  for (const [name, key] of [["load", "load"], ["render", "render"]]) {
    const original = s.osmd[name].bind(s.osmd);
    s.osmd[name] = (...a) => { const t0 = performance.now(); const out = original(...a);
      Promise.resolve(out).then(() => window.timed[key].push(performance.now() - t0)); return out; };
  } }"""


def run(edits: int) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser.studio_helpers import api, open_studio, sign_up
    from tests.interop.pieces import state_ops
    from tests.studio_server import StudioServer

    server = StudioServer(prefix="bench-notation-")
    results = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
            sign_up(page, server.url, "bench")
            for bars, notes in PIECES:
                piece_id = api(page, "POST", "/api/pieces/", {"title": f"{bars} bars", "tracks": []})["piece"]["id"]
                ops = [op for op in state_ops(1, tracks=4, notes=notes, bars=bars, quantized=True) if "provenance" not in op]
                for start in range(0, len(ops), 400):
                    api(page, "POST", f"/api/pieces/{piece_id}/ops/", {"ops": ops[start:start + 400]})
                open_studio(page, server.url, piece_id)
                page.click("#show-score")
                page.wait_for_selector("#score[data-seq]", timeout=120_000)
                page.evaluate(TIMERS)
                seconds = []
                for k in range(edits):
                    seq = page.evaluate("window.studio.room.seq")
                    began = time.monotonic()
                    api(page, "POST", f"/api/pieces/{piece_id}/ops/", {"ops": [
                        {"op": "note.add", "track": "t0", "start": 0, "duration": 120, "pitch": 60 + k}]})
                    page.wait_for_function(f"document.getElementById('score').dataset.seq === '{seq + 1}'", timeout=120_000)
                    seconds.append(time.monotonic() - began)
                timed = page.evaluate("window.timed")
                results.append((bars, notes, seconds, timed))
            browser.close()
    finally:
        server.close()
    base = percentile(results[0][2], 50)
    print(f"score pane: remote edit -> drawn, {edits} edits per piece (following the roll: at most 16 bars drawn)")
    for bars, notes, seconds, timed in results:
        p50 = percentile(seconds, 50)
        print(f"  {bars:3d} bars {notes:5d} notes: p50 {p50:.2f} s  p99 {percentile(seconds, 99):.2f} s  "
              f"ratio {p50 / base:.2f}  | OSMD load p50 {percentile(timed['load'], 50):.0f} ms, "
              f"render p50 {percentile(timed['render'], 50):.0f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=9)
    run(parser.parse_args().edits)
