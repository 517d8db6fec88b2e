"""Video sync benchmark: how far the studio's video strays from the roll's transport over a long play.

    python -m bench.video_sync [--seconds 120] [--fps 25]

Starts the studio (tests/studio_server.py) and Debian's Chromium, records a clip of `seconds` + 5 s in
the page (a canvas through MediaRecorder to WebM: nothing is downloaded), attaches it to a piece and plays
the piece from bar 1 for `seconds`, twice: first with the video free-running from a synchronised start
(the baseline: what the transport and the video's own clock do to each other unattended), then with the
studio's correction (static/js/studio/video-panel.js). For each it prints the drift |video currentTime -
picture time of the transport's tick| sampled every animation frame once settled: p50, p99, max, the
drift at the end, and the ratio of the corrected p99 to the baseline's. The target: within one frame
(40 ms at 25 fps) over two minutes. Recording takes real time, so a run lasts about 3 x `seconds`.
Nothing is asserted; this prints.
"""
import argparse
import base64
import platform
import time

from playwright.sync_api import sync_playwright

from tests.browser.journey import create_piece, sign_up_from_home
from tests.browser.test_picture import RECORD
from tests.studio_server import StudioServer

CHROMIUM = "/usr/bin/chromium"


def play(page, seconds: float, correcting: bool) -> dict:
    page.evaluate(f"""(() => {{ const v = window.studio.picture.video; v.correcting = {str(correcting).lower()};
        v.reset(); document.getElementById('roll').playhead = 0; }})()""")
    page.click("#play")
    page.wait_for_function("window.studio.audio.playing")
    page.wait_for_timeout(seconds * 1000)
    stats = page.evaluate("window.studio.picture.video.stats()")
    page.click("#play")
    return stats


def show(name: str, stats: dict) -> None:
    print(f"{name:<34} {stats['samples']:>6} {stats['p50'] * 1000:>7.1f} {stats['p99'] * 1000:>7.1f} "
          f"{stats['max'] * 1000:>7.1f} {stats['last'] * 1000:>+8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120)
    args = parser.parse_args()
    server = StudioServer(prefix="bench-video-")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--autoplay-policy=no-user-gesture-required"])
            page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
            sign_up_from_home(page, server.url, "Bench")
            create_piece(page, "Long reel", "Melody")
            page.click("#open-settings")
            page.fill("#set-bars", "200")  # longer than the clip, so the transport runs the whole time
            page.click("#settings-save")
            page.wait_for_function("window.studio.room.view.piece.bars === 200")
            started = time.monotonic()
            clip = base64.b64decode(page.evaluate(RECORD.replace("320, height: 180", "160, height: 90"),
                                                  [[10.0 * i for i in range(1, int(args.seconds // 10) + 1)],
                                                   args.seconds + 5]))
            print(f"recorded {len(clip) / 1e6:.1f} MB of WebM in {time.monotonic() - started:.0f} s")
            page.click("#open-picture")
            page.set_input_files("#pic-video-file", files=[{"name": "long.webm", "mimeType": "video/webm", "buffer": clip}])
            page.wait_for_function("!document.getElementById('picture-pane').hidden", timeout=60_000)
            page.keyboard.press("Escape")
            page.wait_for_function("document.getElementById('picture-video').readyState >= 2", timeout=60_000)
            baseline = play(page, args.seconds, correcting=False)
            corrected = play(page, args.seconds, correcting=True)
            browser.close()
    finally:
        server.close()
    print(f"\n{platform.processor() or platform.machine()}, Chromium headless; {args.seconds:g} s of playback each, "
          "drift in ms (|video - transport|), sampled every frame once settled")
    print(f"{'':<34} {'frames':>6} {'p50':>7} {'p99':>7} {'max':>7} {'at end':>8}")
    show("free-running video (baseline)", baseline)
    show("the studio's correction", corrected)
    print(f"p99 ratio corrected / baseline: {corrected['p99'] / max(baseline['p99'], 1e-9):.2f}; "
          f"target: p99 and max within one frame (40 ms at 25 fps)")


if __name__ == "__main__":
    main()
