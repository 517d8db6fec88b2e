"""Issue 16, "tried as a new user would": a 45-second clip with 5 hit points and 2 cadences becomes a piece
whose cadences land on the cuts, heard against the picture and exported with timecode.

    .venv/bin/python -m bench.picture_trial

Through the page alone, as a composer does it (Debian's Chromium through Playwright, the real server),
reusing the browser tests' helpers. Not part of `make test`: it records 45 s of video in real time and asks
the AI several times. It prints what it measured, cue by cue; nothing is asserted beyond the steps working.

The piece is "Melody + bass": a scene gets a tune and a bass line, and a cadence is judged on its bass
(the tonic in the lowest voice) and its tune (a tonic-triad note on top), which this template gives plainly;
a four-part choir is more than a 45-second cue needs, and one melody has no bass to land on the tonic.
"""
import base64
import io
import time
import wave
from pathlib import Path

import mido

from tests.browser.conftest import CHROMIUM, screenshot
from tests.browser.journey import click_track, create_piece, draw_melody, sign_up_from_home
from tests.browser.test_picture import RECORD, settled, view
from tests.studio_server import StudioServer

# 100 BPM in 4/4, bar 1 at 0.4 s (00:00:00:10): a beat is 0.6 s, a bar 2.4 s; every cue falls on a frame at 25 fps.
BEAT_S, BAR_S, BAR1_S = 0.6, 2.4, 0.4
CUES = [  # (0-based bar, 0-based beat, kind, label)
    (0, 0, "start", "Titles"), (2, 2, "hit", "Door slams"), (5, 1, "hit", "Glass"), (8, 0, "cadence", "Arrival"),
    (10, 0, "hit", "Car"), (12, 3, "hit", "Gunshot"), (16, 0, "cadence", "Embrace"), (17, 2, "hit", "Title card")]
CLIP_S = 45.0
CUT_KINDS = {"cadence", "hit"}  # the picture cuts at both cadences and at the hits but the last (the title card is drawn over)


def at_s(bar, beat):
    return BAR1_S + bar * BAR_S + beat * BEAT_S


def timecode(seconds, fps=25):
    frames = round(seconds * fps)
    return f"00:{frames // (60 * fps):02d}:{frames // fps % 60:02d}:{frames % fps:02d}"


SHEET = "Timecode,Label,Kind\n" + "".join(f"{timecode(at_s(b, t))},{label},{kind}\n" for b, t, kind, label in CUES)
SCENES = [round(at_s(b, t), 2) for b, t, kind, _ in CUES if kind in CUT_KINDS][:-1]
OPENING_MELODY = [67, 64, 72, 67, 69, 65, 62, 67]  # two bars of quarters in C: I ... IV ... V
OPENING_BASS = [48, 45, 41, 43]                      # half notes: C A F G
TONIC, TRIAD = 0, {0, 4, 7}
NAMES = "C C# D Eb E F F# G Ab A Bb B".split()


def name(pitch):
    return f"{NAMES[pitch % 12]}{pitch // 12 - 1}"


def sounding(notes, tick, tracks):
    """{track name: [pitches sounding at tick]}, and the ones that start there."""
    out = {}
    for n in notes:
        if n["start"] <= tick < n["start"] + n["duration"]:
            out.setdefault(tracks[n["track"]], []).append((n["pitch"], n["start"] == tick))
    return out


def trial(page, base):
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_up_from_home(page, base, "Ines")
    create_piece(page, "Reel seven, 45 s", "Melody + bass")

    # The clip: scenes cut at the cadences and the hits, recorded from a canvas in real time.
    clip = base64.b64decode(page.evaluate(RECORD, [SCENES, CLIP_S]))
    page.click("#open-picture")
    page.set_input_files("#pic-video-file", files=[{"name": "reel 7.webm", "mimeType": "video/webm", "buffer": clip}])
    page.wait_for_selector("#picture-pane", state="visible", timeout=30_000)
    page.wait_for_function("document.getElementById('picture-video').readyState >= 2", timeout=30_000)
    print(f"clip: {len(clip) / 1e6:.2f} MB WebM, {CLIP_S:.0f} s, scenes cut at {SCENES} s")

    # Where the picture really cuts, found in the frames by the page before any cue exists (the page does not
    # propose cuts that are cues already); suggestions only, rejected here: the cue sheet is the composer's list.
    page.keyboard.press("Escape")  # the Picture dialog
    started = time.monotonic()
    page.click("#picture-cuts")
    page.wait_for_function("!document.getElementById('picture-cuts').disabled", timeout=600_000)
    cuts = page.evaluate("window.studio.picture.proposals().map((p) => p.time_us / 1e6)")
    print(f"scene cuts: {page.inner_text('#picture-status')} "
          f"({time.monotonic() - started:.0f} s): {[round(c, 3) for c in cuts]}")
    while page.locator("#picture-proposals [data-reject]").count():
        page.locator("#picture-proposals [data-reject]").first.click()
    page.click("#open-picture")

    page.set_input_files("#pic-sheet-file", files=[{"name": "reel 7 cues.csv", "mimeType": "text/csv", "buffer": SHEET.encode()}])
    page.wait_for_function(f"Object.keys(window.studio.room.view.cues).length === {len(CUES)}")
    page.wait_for_function("document.getElementById('pic-cues-status').textContent.startsWith('Imported')")
    print("cue sheet:", page.inner_text("#pic-cues-status"))

    page.fill("#pic-fit-form [name=slowest]", "80")
    page.fill("#pic-fit-form [name=fastest]", "120")
    page.click("#pic-fit-go")
    page.wait_for_selector("#pic-solutions li", timeout=60_000)
    print("best fit:", page.locator("#pic-solutions > li").first.inner_text().splitlines()[0])
    page.locator("#pic-solutions [data-apply]").first.click()
    settled(page)
    tempo, offset, bars = view(page, "[s.piece.tempo, s.piece.start_offset_us, s.piece.bars]")
    print(f"applied: {tempo} BPM, bar 1 at {offset / 1e6:.3f} s, {bars} bars")
    page.keyboard.press("Escape")
    page.click("#picture-cuts")  # again, now that the cues sit on the cuts
    page.wait_for_function("!document.getElementById('picture-cuts').disabled", timeout=600_000)
    print(f"scene cuts again, with the cues in: {page.inner_text('#picture-status')!r}")

    # The opening, drawn: two bars of tune, then the bass under it; the AI writes both tracks.
    draw_melody(page, OPENING_MELODY)
    click_track(page, "Bass")
    draw_melody(page, OPENING_BASS, step=960)
    for track in ("Melody", "Bass"):  # tick both (off, then on: the boxes may still show the last active track)
        box = page.locator("#track-list li[data-track]", has_text=track).locator("[data-ai]")
        box.set_checked(False)
        box.set_checked(True)
    asked_tracks = page.evaluate("window.studio.tracks.aiTracks('continue').length")

    ticks = {label: b * 1920 + t * 480 for b, t, kind, label in CUES}  # 4/4 at 480 ticks a quarter
    wanted = {label for *_, kind, label in CUES if kind != "start"}
    asks = []
    for _ in range(5):  # until every cadence and hit has music at its beat
        notes = view(page, "Object.values(s.notes)")
        covered = {label for label in wanted if any(n["start"] <= ticks[label] < n["start"] + n["duration"] for n in notes)}
        if covered == wanted:
            break
        page.click("#ai-cues")
        page.wait_for_selector("#ai-proposal", state="visible", timeout=180_000)
        asked = view(page, "window.studio.ai.proposals.values().next().value")
        asks.append((asked["bars"], asked["provenance"]["operation"], len(asked["provenance"]["controls"]["cue_targets"])))
        page.click("#ai-accept")
        page.wait_for_selector("#ai-proposal", state="hidden", timeout=30_000)
        settled(page)
    print(f"'Write to the cues' for {asked_tracks} tracks, asked {len(asks)} times: "
          + "; ".join(f"bars {b[0] + 1}-{b[1]} ({op}, {n} cue targets)" for b, op, n in asks))

    tracks = {t["id"]: t["name"] for t in view(page, "s.tracks")}
    notes = view(page, "Object.values(s.notes)")
    print("\ncue by cue (bar.beat 1-based; pitches sounding, * = onset on the cue):")
    met_all = True
    median_velocity = sorted(n["velocity"] for n in notes)[len(notes) // 2]
    for b, t, kind, label in CUES:
        if kind == "start":
            continue
        heard = sounding(notes, ticks[label], tracks)
        text = "; ".join(f"{tr} " + " ".join(name(p) + ("*" if on else "") for p, on in sorted(ps)) for tr, ps in heard.items())
        before = sounding(notes, ticks[label] - 1, tracks)  # what leads into the cue (the dominant, for a cadence)
        text += " | before: " + "; ".join(f"{tr} " + " ".join(name(p) for p, _ in sorted(ps)) for tr, ps in before.items())
        if kind == "cadence":
            low = min((p for ps in heard.values() for p, _ in ps), default=None)
            top = max((p for p, _ in heard.get("Melody", [])), default=None)
            met = low is not None and low % 12 == TONIC and top is not None and top % 12 in TRIAD
            why = f"lowest {name(low) if low else '-'}, melody {name(top) if top else '-'}"
        else:
            onsets = {tr for tr, ps in heard.items() if any(on for _, on in ps)}
            met = onsets == set(tracks.values())
            louder = [n["velocity"] for n in notes if n["start"] == ticks[label]]
            why = f"onsets in {sorted(onsets) or 'no track'}, velocity {louder} vs median {median_velocity}"
        met_all &= met
        print(f"  {kind:7} {label:11} {timecode(at_s(b, t))} bar {b + 1}.{t + 1}: {'met' if met else 'NOT met'} ({why}) | {text}")
    for cut_s in cuts:
        near = min(CUES, key=lambda c: abs(at_s(c[0], c[1]) - cut_s))
        print(f"  picture cut found at {cut_s:6.3f} s: {(cut_s - at_s(near[0], near[1])) * 25:+.1f} frames from {near[3]} ({near[2]})")

    # Heard against the picture: ~15 s across the first cadence, the video following the transport.
    page.evaluate(f"""(() => {{ const s = document.getElementById('picture-seek'); s.value = '{at_s(6, 0)}';
      s.dispatchEvent(new Event('input')); }})()""")
    page.evaluate("window.studio.picture.video.reset()")
    page.click("#play")
    page.wait_for_function("window.studio.audio.playing")
    page.wait_for_timeout(15_000)
    video_s = page.evaluate("document.getElementById('picture-video').currentTime")
    page.click("#play")
    stats = page.evaluate("window.studio.picture.video.stats()")
    print(f"seek bar: 0 to {float(page.get_attribute('#picture-seek', 'max')):.2f} s")
    print(f"\nplayed bars 7-13 ({at_s(6, 0):.1f} s on): video at {video_s:.2f} s after 15 s; drift over {stats['samples']} "
          f"frames: p50 {stats['p50'] * 1000:.1f} ms, p99 {stats['p99'] * 1000:.1f} ms, max {stats['max'] * 1000:.1f} ms")

    with page.expect_download() as download:
        page.select_option("#export", "midi")
    midi = mido.MidiFile(file=io.BytesIO(download.value.path().read_bytes()))
    conductor = midi.tracks[0]
    smpte = [(m.frame_rate, m.hours, m.minutes, m.seconds, m.frames) for m in conductor if m.type == "smpte_offset"]
    bpm = [round(mido.tempo2bpm(m.tempo), 2) for m in conductor if m.type == "set_tempo"]
    markers = [m.text for m in conductor if m.type == "marker" and m.text.startswith("Cue ")]
    missing = [label for *_, label in CUES if not any(m.endswith(f" - {label}") for m in markers)]
    print(f"MIDI: SMPTE offset {smpte} (fps, h, m, s, frames), tempo {bpm}, {len(markers)} cue markers, "
          f"missing: {missing or 'none'}; {len(midi.tracks) - 1} note tracks, {sum(m.type == 'note_on' and m.velocity > 0 for tr in midi.tracks for m in tr)} notes")
    for m in markers:
        print("  ", m)

    with page.expect_download(timeout=240_000) as download:
        page.select_option("#export", "wav")
    data = download.value.path().read_bytes()
    with wave.open(io.BytesIO(data)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
        print(f"WAV: {wav.getnchannels()} ch, {wav.getframerate()} Hz, {seconds:.2f} s, {len(data) / 1e6:.1f} MB, "
              f"bext time reference {int.from_bytes(data[20 + 338:20 + 342], 'little') if data[12:16] == b'bext' else 'none'} samples")
    page.locator("#picture-pane").scroll_into_view_if_needed()
    screenshot(page, "picture-trial-45s")
    print(f"\nall cues met: {met_all}; page errors: {problems or 'none'}")


def main():
    from playwright.sync_api import sync_playwright
    assert Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}"
    server = StudioServer(prefix="picture-trial-")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--autoplay-policy=no-user-gesture-required"])
            page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
            print(f"sheet:\n{SHEET}")
            trial(page, server.url)
            browser.close()
    finally:
        server.close()


if __name__ == "__main__":
    main()
