"""SMPTE timecode and plain seconds <-> integer microseconds and frame numbers.

Rates are named as the piece stores them: "24", "25", "29.97df" (30000/1001 frames per second, drop-frame
counting) and "30". Frame 0 is 00:00:00:00 and starts at 0 us; frame f starts at f / rate seconds, rounded
to the nearest microsecond (halves up), so frames -> us -> frames is exact at every rate.

Drop-frame timecode counts 30 frames a second but skips the labels ;00 and ;01 at the start of every
minute except minutes 00, 10, 20, ..., so the label keeps up with the clock (29.97 real frames a second).
No picture frame is dropped: only numbers.

Accepted text (surrounding whitespace ignored), `parse_time`:
- timecode hh:mm:ss:ff (hours 0-23, frames below the nominal rate); at 29.97df also hh:mm:ss;ff,
  hh;mm;ss;ff and hh:mm:ss.ff;
- seconds: 12, 12.5, 1:02.250 (m:ss), 1:02:03.5 (h:mm:ss), up to 24 hours; more than six decimals are
  rounded to the microsecond.
The JS port is static/js/core/timecode.js, checked against fixtures this module writes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MAX_US = 86_400_000_000  # 24 hours: the longest picture time a piece holds
MAX_TEXT = 40


@dataclass(frozen=True)
class Rate:
    name: str
    nominal: int   # frames in one timecode second (the label's ff runs 00..nominal-1)
    num: int       # real frames per second = num / den
    den: int
    drop: bool


RATES = {
    "24": Rate("24", 24, 24, 1, False),
    "25": Rate("25", 25, 25, 1, False),
    "29.97df": Rate("29.97df", 30, 30000, 1001, True),
    "30": Rate("30", 30, 30, 1, False),
}
# Drop-frame: labels per 10 minutes (10 * 1800 - 9 * 2) and per minute after the first of ten.
_DF_TEN_MINUTES = 17_982
_DF_MINUTE = 1_798

_TIMECODE = re.compile(r"([0-9]{1,2})([:;])([0-9]{2})([:;])([0-9]{2})([:;.])([0-9]{2})")
_SECONDS = re.compile(r"(?:(?:([0-9]+):)?([0-9]+):)?([0-9]+)(?:\.([0-9]+))?")


def rate(fps: str) -> Rate:
    """The Rate named by `fps`; ValueError naming the choices for anything else."""
    if not isinstance(fps, str) or fps not in RATES:
        raise ValueError(f"frame rate must be one of {', '.join(RATES)}, not {fps!r}")
    return RATES[fps]


def frame_us(fps: str) -> float:
    """The length of one frame in microseconds (33366.67 at 29.97df): the default solver tolerance."""
    r = rate(fps)
    return 1_000_000 * r.den / r.num


def frames_to_us(frames: int, fps: str) -> int:
    """When frame `frames` starts, in integer microseconds (nearest, halves up)."""
    r = rate(fps)
    top = frames * 1_000_000 * r.den
    return (2 * top + r.num) // (2 * r.num)


def us_to_frames(us: int, fps: str) -> int:
    """The frame whose start is nearest to `us` (halves go to the later frame): where a cue snaps."""
    r = rate(fps)
    return (2 * us * r.num + 1_000_000 * r.den) // (2_000_000 * r.den)


def frame_at(us: int, fps: str) -> int:
    """The frame on screen at `us` (the last one started at or before it): what a running display shows."""
    r = rate(fps)
    frame = (us * r.num) // (1_000_000 * r.den)
    return frame - 1 if frames_to_us(frame, fps) > us else frame + (frames_to_us(frame + 1, fps) <= us)


def format_timecode(frames: int, fps: str) -> str:
    """Frame number -> "hh:mm:ss:ff" ("hh:mm:ss;ff" at 29.97df). ValueError below 0 or past 23:59:59."""
    r = rate(fps)
    if isinstance(frames, bool) or not isinstance(frames, int) or frames < 0:
        raise ValueError(f"a frame number is a whole number >= 0, not {frames!r}")
    label = frames
    if r.drop:  # put back the labels drop-frame skips, then count as plain 30 fps
        tens, rest = divmod(frames, _DF_TEN_MINUTES)
        label += 18 * tens + (2 * ((rest - 2) // _DF_MINUTE) if rest > 1 else 0)
    seconds, ff = divmod(label, r.nominal)
    minutes, ss = divmod(seconds, 60)
    hh, mm = divmod(minutes, 60)
    if hh > 23:
        raise ValueError(f"frame {frames} is past 23:59:59 at {fps} fps")
    return f"{hh:02d}:{mm:02d}:{ss:02d}{';' if r.drop else ':'}{ff:02d}"


def format_us(us: int, fps: str) -> str:
    """The timecode of the frame nearest to `us`."""
    return format_timecode(us_to_frames(us, fps), fps)


def format_seconds(us: int) -> str:
    """Microseconds as plain seconds: "12.5", "1:02.25", "1:02:03.000001" (parse_time reads it back exactly)."""
    if isinstance(us, bool) or not isinstance(us, int) or us < 0:
        raise ValueError(f"a time is a whole number of microseconds >= 0, not {us!r}")
    seconds, micro = divmod(us, 1_000_000)
    minutes, ss = divmod(seconds, 60)
    hh, mm = divmod(minutes, 60)
    frac = f".{micro:06d}".rstrip("0").rstrip(".")
    if hh:
        return f"{hh}:{mm:02d}:{ss:02d}{frac}"
    return f"{mm}:{ss:02d}{frac}" if mm else f"{ss}{frac}"


def _forms(r: Rate) -> str:
    drop = "; hh:mm:ss;ff or hh:mm:ss.ff for drop-frame" if r.drop else ""
    return (f"SMPTE timecode hh:mm:ss:ff (frames 00-{r.nominal - 1}{drop}) "
            f"or seconds (12.5, 1:02.250, 1:02:03.5)")


def parse_timecode(text: str, fps: str) -> int:
    """SMPTE timecode text -> frame number. ValueError naming the accepted forms for anything else."""
    r = rate(fps)
    match = _TIMECODE.fullmatch(text.strip()) if isinstance(text, str) and len(text) <= MAX_TEXT else None
    if match is None:
        raise ValueError(f"{text!r} is not timecode at {fps} fps: write {_forms(r)}")
    return _timecode_frames(text, match, r)


def _timecode_frames(text: str, match: re.Match, r: Rate) -> int:
    hh, mm, ss, ff = (int(match.group(i)) for i in (1, 3, 5, 7))
    separators = match.group(2) + match.group(4) + match.group(6)
    if not r.drop and separators != ":::":
        raise ValueError(f"{text!r}: ';' or '.' before the frames marks drop-frame timecode, "
                         f"but the rate is {r.name} fps; write hh:mm:ss:ff")
    if hh > 23 or mm > 59 or ss > 59:
        raise ValueError(f"{text!r}: hours run 00-23, minutes and seconds 00-59")
    if ff >= r.nominal:
        raise ValueError(f"{text!r}: frames run 00-{r.nominal - 1} at {r.name} fps")
    if not r.drop:
        return ((hh * 60 + mm) * 60 + ss) * r.nominal + ff
    if ss == 0 and ff < 2 and mm % 10:
        raise ValueError(f"{text!r} does not exist in drop-frame timecode: frames 00 and 01 are skipped at "
                         f"the start of every minute except minutes 00, 10, 20, 30, 40 and 50")
    minutes = hh * 60 + mm
    return ((minutes * 60 + ss) * 30 + ff) - 2 * (minutes - minutes // 10)


def parse_time(text: str, fps: str) -> int:
    """Timecode or plain seconds -> integer microseconds (a timecode gives its frame's start)."""
    r = rate(fps)
    stripped = text.strip() if isinstance(text, str) and len(text) <= MAX_TEXT else None
    if stripped is None:
        raise ValueError(f"{text!r} is not a time: write {_forms(r)}")
    match = _TIMECODE.fullmatch(stripped)
    # At 29.97df "01:02:03.15" is drop-frame timecode; at other rates the dot is a decimal point.
    if match and (match.group(6) != "." or r.drop):
        us = frames_to_us(_timecode_frames(text, match, r), fps)
    else:
        us = _seconds_us(text, stripped, r)
    if us > MAX_US:
        raise ValueError(f"{text!r} is past 24 hours")
    return us


def _seconds_us(text: str, stripped: str, r: Rate) -> int:
    match = _SECONDS.fullmatch(stripped)
    if match is None:
        raise ValueError(f"{text!r} is not a time: write {_forms(r)}")
    hours, minutes, seconds, frac = match.groups()
    if (minutes is not None and int(seconds) > 59) or (hours is not None and int(minutes) > 59):
        raise ValueError(f"{text!r}: minutes and seconds after a ':' run 00-59")
    whole = (int(hours or 0) * 60 + int(minutes or 0)) * 60 + int(seconds)
    frac = frac or ""
    micro = int((frac + "000000")[:6]) + (len(frac) > 6 and frac[6] >= "5")  # halves up, like frames
    return whole * 1_000_000 + micro
