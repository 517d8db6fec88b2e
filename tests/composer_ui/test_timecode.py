"""SMPTE timecode of picture time at the piece's fps, drop-frame included."""
import pytest

from composer_ui.timecode import format_timecode, frame_of


@pytest.mark.parametrize("time_us, fps, text", [
    (0, "25", "00:00:00:00"), (12_200_000, "25", "00:00:12:05"), (12_200_000, "24", "00:00:12:04"),
    (3_600_000_000, "30", "01:00:00:00"), (86_399_999_999, "25", "23:59:59:24"),
    (12_200_000, "29.97df", "00:00:12;05"),
])
def test_timecode(time_us, fps, text):
    assert format_timecode(time_us, fps) == text


def _at_frame(frame):  # the first microsecond of a 29.97 fps frame
    return -(-frame * 1001 * 1_000_000 // 30_000)


@pytest.mark.parametrize("frame, text", [(1799, "00:00:59;29"), (1800, "00:01:00;02"), (3597, "00:01:59;29"),
                                         (3598, "00:02:00;02"), (17_981, "00:09:59;29"), (17_982, "00:10:00;00"),
                                         (107_892, "01:00:00;00")])
def test_drop_frame_skips_two_numbers_each_minute_but_every_tenth(frame, text):
    assert frame_of(_at_frame(frame), "29.97df") == frame
    assert format_timecode(_at_frame(frame), "29.97df") == text
