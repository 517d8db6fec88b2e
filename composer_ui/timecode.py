"""Picture time as SMPTE timecode: microseconds <-> "hh:mm:ss:ff" at the piece's fps. Pure.

Rates are the piece's ``fps``: "24", "25", "30" (non-drop) and "29.97df" (drop-frame: frames run at
30000/1001 per second and frame numbers 0 and 1 are skipped at each minute not divisible by ten, so the
timecode keeps to the clock; its frames are written after a ";").
"""
FPS_CHOICES = ("24", "25", "29.97df", "30")
_DROP_RATE = (30000, 1001)  # frames per second, as a fraction


def frame_of(time_us: int, fps: str) -> int:
    """The number of the frame that is showing at ``time_us``."""
    if fps == "29.97df":
        return time_us * _DROP_RATE[0] // (_DROP_RATE[1] * 1_000_000)
    return time_us * int(fps) // 1_000_000


def format_timecode(time_us: int, fps: str = "25") -> str:
    """12_200_000 µs at 25 fps -> "00:00:12:05"; at 29.97 drop-frame -> "00:00:12;05"."""
    frame = frame_of(time_us, fps)
    base, separator = (30, ";") if fps == "29.97df" else (int(fps), ":")
    if fps == "29.97df":  # frame count -> drop-frame label: add back the numbers skipped so far
        tens, rest = divmod(frame, 17_982)  # frames in ten minutes
        frame += 18 * tens + (2 * ((rest - 2) // 1_798) if rest > 1 else 0)
    frames, seconds = frame % base, frame // base
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}{separator}{frames:02d}"
