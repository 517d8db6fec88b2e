"""The tracks a new piece starts with: one template per kind of piece people start.

Each track gets a name, a General MIDI program (0-based; names in static/js/shared/gm.js), a pitch range
(the usual range of the voice or instrument, which the AI keeps to) and, for drums, channel 9 (GM
percussion, "channel 10" to musicians). Colours come from the fold's palette, one per track.
Pure data, no Django.
"""

def _track(name, program, low, high, **extra):
    return {"name": name, "program": program, "pitch_range": [low, high], **extra}


# key -> (label shown in the form, what it is for, tracks)
TEMPLATES = {
    "melody": ("Melody", "one melody line to sketch on", [
        _track("Melody", 0, 55, 84)]),
    "melody_bass": ("Melody + bass", "a tune and its bass line", [
        _track("Melody", 0, 55, 84), _track("Bass", 32, 28, 55)]),
    "satb": ("SATB choir", "four voices: soprano, alto, tenor, bass", [
        _track("Soprano", 52, 60, 81), _track("Alto", 52, 53, 74), _track("Tenor", 52, 48, 69),
        _track("Bass", 52, 40, 64)]),
    "piano": ("Piano (treble and bass)", "a piano's right and left hand", [
        _track("Right hand", 0, 55, 96), _track("Left hand", 0, 21, 64)]),
    "string_quartet": ("String quartet", "two violins, viola and cello", [
        _track("Violin I", 40, 55, 100), _track("Violin II", 40, 55, 93), _track("Viola", 41, 48, 84),
        _track("Cello", 42, 36, 76)]),
    "lead_sheet": ("Lead sheet (melody + chords)", "a melody with chord symbols above it", [
        _track("Melody", 0, 55, 84)]),
    "band": ("Band (melody, piano, bass, drums)", "melody, piano comping, bass and a drum kit", [
        _track("Melody", 65, 55, 84), _track("Piano", 0, 36, 84), _track("Bass", 33, 28, 55),
        _track("Drums", 0, 35, 81, channel=9)]),
}
DEFAULT_TEMPLATE = "melody"
# Templates whose pieces open with the chord lane shown (the studio page reads ?lane=chords).
OPENS_WITH_CHORD_LANE = {"lead_sheet"}


def template_choices() -> list[tuple[str, str]]:
    return [(key, label) for key, (label, _, _) in TEMPLATES.items()]


def template_tracks(key: str) -> list[dict]:
    """A fresh copy of the template's tracks (callers may change them)."""
    return [dict(track, pitch_range=list(track["pitch_range"])) for track in TEMPLATES[key][2]]
