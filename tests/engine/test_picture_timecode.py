"""engine/picture/timecode.py: SMPTE timecode at 24, 25, 29.97 drop-frame and 30 fps, and plain seconds."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.picture import timecode as tc

RATES = ["24", "25", "29.97df", "30"]
LAST = {fps: tc.parse_timecode(f"23:59:59{';' if fps == '29.97df' else ':'}{tc.RATES[fps].nominal - 1:02d}", fps)
        for fps in RATES}


@pytest.mark.parametrize("fps, frames, text, us", [
    ("24", 0, "00:00:00:00", 0),
    ("24", 23, "00:00:00:23", 958_333),
    ("24", 24, "00:00:01:00", 1_000_000),
    ("24", 86_400, "01:00:00:00", 3_600_000_000),
    ("25", 1, "00:00:00:01", 40_000),
    ("25", 90_000 + 25 * 62 + 6, "01:01:02:06", 3_662_240_000),
    ("30", 29, "00:00:00:29", 966_667),
    ("30", 108_000, "01:00:00:00", 3_600_000_000),
    ("29.97df", 1, "00:00:00;01", 33_367),
    ("29.97df", 1799, "00:00:59;29", 60_026_633),
    ("29.97df", 1800, "00:01:00;02", 60_060_000),   # ;00 and ;01 are skipped at minute 1
    ("29.97df", 3598, "00:02:00;02", 120_053_267),
    ("29.97df", 17_982, "00:10:00;00", 599_999_400),  # ... but not at minute 10
    ("29.97df", 17_983, "00:10:00;01", 600_032_767),
    ("29.97df", 19_781, "00:10:59;29", 660_026_033),
    ("29.97df", 19_782, "00:11:00;02", 660_059_400),
    ("29.97df", 107_892, "01:00:00;00", 3_599_996_400),  # drop-frame keeps up with the clock
    ("29.97df", 2_589_407, "23:59:59;29", 86_399_880_233),
])
def test_known_frames_at_every_rate(fps, frames, text, us):
    assert tc.format_timecode(frames, fps) == text
    assert tc.parse_timecode(text, fps) == frames
    assert tc.frames_to_us(frames, fps) == us
    assert tc.us_to_frames(us, fps) == frames
    assert tc.parse_time(text, fps) == us


def test_drop_frame_separators_and_the_skipped_labels():
    for text in ("00:01:00;02", "00:01:00.02", "00;01;00;02", "00:01:00:02", " 00:01:00;02\n"):
        assert tc.parse_timecode(text, "29.97df") == 1800, text
    for minute in range(60):
        for ff in (0, 1):
            text = f"00:{minute:02d}:00;{ff:02d}"
            if minute % 10:
                with pytest.raises(ValueError, match="skipped at the start of every minute"):
                    tc.parse_timecode(text, "29.97df")
            else:
                assert tc.format_timecode(tc.parse_timecode(text, "29.97df"), "29.97df") == text
    # Every label that exists is hit exactly once over a whole hour.
    labels = [tc.format_timecode(f, "29.97df") for f in range(107_892 + 1)]
    assert len(set(labels)) == len(labels) and labels[-1] == "01:00:00;00"


def test_semicolon_or_dot_only_mean_drop_frame():
    with pytest.raises(ValueError, match="drop-frame timecode, but the rate is 25"):
        tc.parse_time("00:00:01;00", "25")
    # At a non-drop rate the dot is a decimal point: h:mm:ss.ss seconds.
    assert tc.parse_time("00:00:01.50", "25") == 1_500_000
    with pytest.raises(ValueError, match="frames run 00-29"):  # ... and at 29.97df it is a frame separator
        tc.parse_time("00:00:01.50", "29.97df")
    assert tc.parse_time("00:00:01.15", "29.97df") == tc.frames_to_us(45, "29.97df")


@pytest.mark.parametrize("text, us", [
    ("12", 12_000_000), ("12.5", 12_500_000), ("0.000001", 1), ("0.0000005", 1), ("0.0000004", 0),
    ("1:02.250", 62_250_000), ("1:02:03.5", 3_723_500_000), ("75.25", 75_250_000), ("59:59", 3_599_000_000),
    ("23:59:59.999999", 86_399_999_999), ("24:00:00", 86_400_000_000), ("\t 3.5 ", 3_500_000),
])
def test_plain_seconds(text, us):
    assert tc.parse_time(text, "25") == us


@pytest.mark.parametrize("text, message", [
    ("", "is not a time"), ("soon", "is not a time"), ("-1", "is not a time"), ("+1", "is not a time"),
    ("1e3", "is not a time"), ("12,5", "is not a time"), (".5", "is not a time"), ("1.", "is not a time"),
    ("１２", "is not a time"), ("٣", "is not a time"), ("00:00:00:00:00", "is not a time"), ("::", "is not a time"),
    ("1" * 41, "is not a time"), (None, "is not a time"), (12.5, "is not a time"),
    ("1:60", "run 00-59"), ("1:60:00", "run 00-59"), ("00:00:60:00", "minutes and seconds 00-59"),
    ("24:00:00:00", "hours run 00-23"), ("00:00:00:25", "frames run 00-24"), ("24:00:00.000001", "past 24 hours"),
    ("99999999999999999999999999:00", "past 24 hours"),
])
def test_junk_is_refused_with_the_accepted_forms(text, message):
    with pytest.raises(ValueError, match=message):
        tc.parse_time(text, "25")
    with pytest.raises(ValueError) as refused:
        tc.parse_time("soon", "29.97df")
    assert "hh:mm:ss:ff" in str(refused.value) and "hh:mm:ss;ff" in str(refused.value)
    assert "12.5, 1:02.250" in str(refused.value)


def test_bad_rates_and_frame_numbers():
    with pytest.raises(ValueError, match="24, 25, 29.97df, 30"):
        tc.rate("23.976")
    for bad in (-1, 1.0, True, "3"):
        with pytest.raises(ValueError):
            tc.format_timecode(bad, "25")
    with pytest.raises(ValueError, match="past 23:59:59"):
        tc.format_timecode(LAST["25"] + 1, "25")
    with pytest.raises(ValueError):
        tc.format_seconds(-1)


def test_frame_at_is_the_frame_on_screen():
    for fps in RATES:
        for frame in (0, 1, 2, 1799, 1800, 17_982, 123_457):
            start, following = tc.frames_to_us(frame, fps), tc.frames_to_us(frame + 1, fps)
            assert tc.frame_at(start, fps) == frame
            assert tc.frame_at(following - 1, fps) == frame
            assert tc.us_to_frames((start + following) // 2 - 1, fps) == frame


@pytest.mark.parametrize("fps", RATES)
@given(data=st.data())
def test_frame_timecode_frame_round_trip(fps, data):
    frame = data.draw(st.integers(0, LAST[fps]))
    text = tc.format_timecode(frame, fps)
    assert tc.parse_timecode(text, fps) == frame
    assert tc.us_to_frames(tc.frames_to_us(frame, fps), fps) == frame
    assert tc.frame_at(tc.frames_to_us(frame, fps), fps) == frame
    assert tc.parse_time(text, fps) == tc.frames_to_us(frame, fps)
    if fps == "29.97df":
        assert tc.parse_timecode(text[:8] + "." + text[9:], fps) == frame


@given(us=st.integers(0, tc.MAX_US))
def test_seconds_text_round_trip(us):
    assert tc.parse_time(tc.format_seconds(us), "25") == us
