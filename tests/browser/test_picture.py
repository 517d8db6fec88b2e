"""Scoring to picture in the page (issue 16), as a composer does it with clicks and keys: a video the test
makes itself in the browser (a canvas recorded to WebM by MediaRecorder: no binary is committed), a cue
sheet, the solver applied and undone, scene cuts accepted as cues, playback with the video following the
transport within a frame, and the hand-off: MIDI with its SMPTE offset and markers, and a WAV render."""
import base64
import io
import wave

import mido
from playwright.sync_api import expect

from engine.picture import tempo_map as tm

from .conftest import screenshot
from .journey import assert_fits, create_piece, draw_melody, sign_up_from_home

SCENES = [1.6, 3.2, 5.6]  # seconds of the recording where the picture cuts to a new colour
RECORD_S = 7.0
# Made from 100 BPM in 4/4 with bar 1 at 0.4 s (a beat is 0.6 s), on frames at 25 fps.
SHEET = "Timecode,Label,Kind\n00:00:00:10,Titles,start\n00:00:03:10,Door,hit\n00:00:05:05,Arrival,cadence\n00:00:07:00,Glass,hit\n"
BAD_SHEET = "00:00:01:00,Fine,hit\n00:00:61:00,Late,hit\nsoon,,cadence\n"

RECORD = """async ([scenes, seconds]) => {
  const canvas = Object.assign(document.createElement("canvas"), { width: 320, height: 180 });
  const g = canvas.getContext("2d");
  const colours = ["#c0392b", "#2471a3", "#1e8449", "#b7950b", "#6c3483"];
  const recorder = new MediaRecorder(canvas.captureStream(25), { mimeType: "video/webm;codecs=vp8" });
  const chunks = [];
  recorder.ondataavailable = (e) => chunks.push(e.data);
  let started;
  const draw = () => {
    const t = (performance.now() - started) / 1000;
    const scene = scenes.filter((s) => s <= t).length;
    g.fillStyle = colours[scene % colours.length];
    g.fillRect(0, 0, 320, 180);
    g.fillStyle = "#fff";
    g.font = "26px sans-serif";
    g.fillText(`scene ${scene + 1}  ${t.toFixed(2)} s`, 16, 100);
  };
  started = performance.now();
  draw();
  recorder.start(100);
  await new Promise((done) => {
    const tick = () => { draw(); if (performance.now() - started < seconds * 1000) requestAnimationFrame(tick); else done(); };
    requestAnimationFrame(tick);
  });
  recorder.stop();
  await new Promise((r) => { recorder.onstop = r; });
  const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}"""


def view(page, expression):
    return page.evaluate(f"(() => {{ const s = window.studio.room.view; return {expression}; }})()")


def settled(page):
    page.wait_for_function("window.studio.room.pending.length === 0")


def test_scoring_a_recorded_clip_to_picture(studio_server, new_page, tmp_path):
    page = new_page(1366, 768)
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_up_from_home(page, studio_server.url, "Mara")
    create_piece(page, "Reel three", "Melody")
    draw_melody(page, [60, 64, 67, 72])
    expect(page.locator("#ai-cues")).to_be_hidden()  # "Write to the cues" waits for cues

    # The clip, made in the page; the owner attaches it from the Picture dialog.
    clip = base64.b64decode(page.evaluate(RECORD, [SCENES, RECORD_S]))
    assert clip[:4] == b"\x1a\x45\xdf\xa3"
    page.click("#open-picture")
    page.set_input_files("#pic-video-file", files=[{"name": "reel 3.webm", "mimeType": "video/webm", "buffer": clip}])
    expect(page.locator("#picture-pane")).to_be_visible(timeout=20_000)
    expect(page.locator("#pic-out-status")).to_contain_text("is the piece's video now")
    page.wait_for_function("document.getElementById('picture-video').readyState >= 2", timeout=20_000)

    # A bad cue sheet names its bad lines and imports nothing; the good one arrives whole.
    page.set_input_files("#pic-sheet-file", files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": BAD_SHEET.encode()}])
    expect(page.locator("#pic-sheet-problems")).to_contain_text("line 2:")
    expect(page.locator("#pic-sheet-problems")).to_contain_text("line 3:")
    assert view(page, "Object.keys(s.cues).length") == 0
    page.set_input_files("#pic-sheet-file", files=[{"name": "reel 3 cues.csv", "mimeType": "text/csv", "buffer": SHEET.encode()}])
    expect(page.locator("#pic-cues-status")).to_contain_text("Imported 4 cues")
    page.wait_for_function("Object.keys(window.studio.room.view.cues).length === 4")
    expect(page.locator("#pic-sheet-problems")).to_be_hidden()

    # Fit the bars to the cues; apply the best fit as one event; undo and redo it.
    page.fill("#pic-fit-form [name=slowest]", "90")
    page.fill("#pic-fit-form [name=fastest]", "110")
    page.click("#pic-fit-go")
    expect(page.locator("#pic-solutions li").first).to_be_visible(timeout=30_000)
    first = page.locator("#pic-solutions > li").first.inner_text()
    assert "♩ = 100" in first and "bar 1 at 00:00:00:10" in first, first
    page.locator("#pic-solutions details summary").first.click()  # each cue's beat and error
    page.locator("#pic-solutions details").first.scroll_into_view_if_needed()
    screenshot(page, "picture-fit")
    seq = page.evaluate("window.studio.room.seq")
    page.fill("#pic-tempi li[data-bar='0'] input", "120")  # first a tempo of bar 1 that will not fit
    page.press("#pic-tempi li[data-bar='0'] input", "Tab")
    page.wait_for_function("window.studio.room.view.piece.tempo === 120 && window.studio.room.pending.length === 0")
    seq = page.evaluate("window.studio.room.seq")
    page.locator("#pic-solutions [data-apply]").first.click()
    settled(page)
    assert page.evaluate("window.studio.room.seq") == seq + 1  # one event
    assert view(page, "[s.piece.tempo, s.piece.start_offset_us, s.tempo_changes.length]") == [100, 400_000, 0]
    page.keyboard.press("Escape")
    page.keyboard.press("Control+z")
    settled(page)
    assert view(page, "[s.piece.tempo, s.piece.start_offset_us]") == [120, 0]
    page.keyboard.press("Control+Shift+z")
    settled(page)
    assert view(page, "[s.piece.tempo, s.piece.start_offset_us]") == [100, 400_000]
    # The seek bar reaches the end: a recorded WebM says no duration, so it ends where the piece does, as fitted now.
    page.wait_for_function("""(() => { const v = document.getElementById('picture-video'); const s = window.studio.room.view;
      const end = Number.isFinite(v.duration) ? v.duration : s.piece.start_offset_us / 1e6 + s.piece.bars * 2.4;
      return Math.abs(Number(document.getElementById('picture-seek').max) - end) < 0.01; })()""", timeout=5_000)

    # Scene cuts: suggested from the frames, accepted as cues (hits labelled "cut") near where the picture cuts.
    page.click("#picture-cuts")
    expect(page.locator("#picture-proposals li").first).to_be_visible(timeout=60_000)
    suggested = page.evaluate("window.studio.picture.proposals().map((p) => p.time_us)")
    assert len(suggested) == len(SCENES), suggested
    for found, cut in zip(suggested, SCENES):
        # where the recorded video cuts: the drawing's clock, give or take the frames a loaded machine drops
        assert abs(found / 1e6 - cut) < 0.25, (found, cut)
    page.click("#picture-proposals [data-accept=all]")
    page.wait_for_function("Object.values(window.studio.room.view.cues).filter((c) => c.label === 'cut').length === 3")
    page.click("#picture-cuts")  # found again, but each is a cue now: said so, not "No cuts found"
    expect(page.locator("#picture-status")).to_have_text("3 cuts found, each a cue already.", timeout=60_000)
    expect(page.locator("#picture-proposals li")).to_have_count(0)

    # The lane lines up: a cue's marker sits where the roll draws its tick.
    cue = view(page, "Object.values(s.cues).find((c) => c.label === 'Arrival')")
    tick = tm.us_to_ticks(tm.build([4, 4], 100), cue["time_us"], 400_000)
    assert abs(tick - 2 * 1920) < 1  # the cadence sits on bar 3's downbeat after the fit
    screenshot(page, "picture-1366")
    assert_fits(page, "the studio with a video at 1366x768")
    expect(page.locator("#ai-ask")).to_be_in_viewport()

    # The AI writes to the cues: the melody goes on from bar 2 to the Arrival cadence (bar 3's downbeat),
    # landing on the tonic there, with an accented onset on each hit; the proposal is accepted like any other.
    page.click("#ai-cues")
    expect(page.locator("#ai-proposal")).to_be_visible(timeout=90_000)
    asked = view(page, "window.studio.ai.proposals.values().next().value")
    assert asked["bars"] == [1, 3] and asked["provenance"]["operation"] == "continue", asked["bars"]
    assert {"kind": "cadence", "tick": 2 * 1920} in asked["provenance"]["controls"]["cue_targets"]
    screenshot(page, "picture-write-to-cues")
    page.click("#ai-accept")
    page.wait_for_function("Object.values(window.studio.room.view.notes).some((n) => n.author.kind === 'model')")
    settled(page)
    written = view(page, "Object.values(s.notes).filter((n) => n.author.kind === 'model')")
    arrival = [n for n in written if n["start"] == 2 * 1920]
    assert len(arrival) == 1 and arrival[0]["pitch"] % 12 == 0, arrival  # C major: the tonic on the downbeat
    door = [n for n in written if n["start"] == 2400]  # Door at 00:00:03:10: beat 2 of bar 2
    assert door and door[0]["velocity"] > min(n["velocity"] for n in written), door

    # Seeking in the video moves the playhead; moving the playhead moves the video.
    page.evaluate("(() => { const s = document.getElementById('picture-seek'); s.value = '3.4'; s.dispatchEvent(new Event('input')); })()")
    assert abs(page.evaluate("document.getElementById('roll').playhead") - 5 * 480) < 1
    page.wait_for_function("Math.abs(document.getElementById('picture-video').currentTime - 3.4) < 0.02")

    # Play from the start: the video follows the transport within a frame (25 fps: 40 ms).
    page.evaluate("document.getElementById('roll').playhead = 0; window.studio.picture.video.reset()")
    page.click("#play")
    page.wait_for_function("window.studio.audio.playing")
    page.wait_for_timeout(5_000)
    moving = page.evaluate("document.getElementById('picture-video').currentTime")
    page.click("#play")
    stats = page.evaluate("window.studio.picture.video.stats()")
    print(f"video drift over {stats['samples']} frames: p50 {stats['p50'] * 1000:.1f} ms, "
          f"p99 {stats['p99'] * 1000:.1f} ms, max {stats['max'] * 1000:.1f} ms")
    assert moving > 3 and stats["samples"] > 100
    assert stats["p99"] <= 0.040, stats

    # The hand-off: MIDI with the tempo, the SMPTE offset of bar 1 and a marker per cue.
    with page.expect_download() as download:
        page.select_option("#export", "midi")
    midi = mido.MidiFile(file=io.BytesIO(download.value.path().read_bytes()))
    conductor = midi.tracks[0]
    smpte = [m for m in conductor if m.type == "smpte_offset"]
    assert len(smpte) == 1 and (smpte[0].frame_rate, smpte[0].hours, smpte[0].minutes, smpte[0].seconds,
                                smpte[0].frames, smpte[0].sub_frames) == (25, 0, 0, 0, 10, 0)
    markers = [m.text for m in conductor if m.type == "marker" and m.text.startswith("Cue ")]
    assert len(markers) == 7 and markers[0] == "Cue start at 00:00:00:10 - Titles"
    assert {"Cue hit at 00:00:03:10 - Door", "Cue cadence at 00:00:05:05 - Arrival"} <= set(markers)
    assert [round(mido.tempo2bpm(m.tempo)) for m in conductor if m.type == "set_tempo"] == [100]

    # ...and the sound, rendered here with the SoundFont, to drop under the picture.
    with page.expect_download(timeout=120_000) as download:
        page.select_option("#export", "wav")
    path = download.value.path()
    data = path.read_bytes()
    assert data[12:16] == b"bext" and int.from_bytes(data[20 + 338:20 + 342], "little") == 17_640  # bar 1 at 0.4 s
    with wave.open(str(path)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (2, 2, 44100)
        seconds = wav.getnframes() / 44100
        frames = wav.readframes(wav.getnframes())
    assert abs(seconds - (view(page, "s.piece.bars") * 2.4 + 2)) < 0.05  # to the last bar (with a video), and a tail
    assert max(abs(int.from_bytes(frames[i:i + 2], "little", signed=True)) for i in range(0, 44100 * 4, 2)) > 500
    expect(page.locator("#roll-status")).to_contain_text("SoundFont")
    assert not problems, problems
