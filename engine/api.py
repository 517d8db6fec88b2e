"""
The one interface every generator implements, as plain JSON-friendly dataclasses.

    gen = engine.get_generator()            # backend from STUDIO_GENERATOR
    caps = gen.capabilities()               # Capabilities
    res = gen.generate(GenerateRequest(...))  # GenerateResponse with K candidates

This module is only the wire format: dataclasses and the errors a request can
raise, with no behaviour and no imports of the rest of the engine. The base
class of the backends and its bookkeeping live in engine/generator.py.
Notes are in ticks at 480 per quarter. Every dataclass has to_dict()/from_dict()
so requests and responses can travel over WebSockets and Celery as JSON.
No Django here.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

OPERATIONS = ("continue", "infill", "harmonize", "vary", "chords")   # chords: suggest chord symbols for a melody
HARMONIC_RHYTHMS = ("bar", "half", "beat")
CHORD_VOCABULARIES = ("triads", "sevenths", "jazz")


class RequestError(ValueError):
    """Base class: the request cannot be served. The message says why."""


class InvalidRequest(RequestError):
    """The request is malformed (negative ticks, unknown track, ...)."""


class UnsupportedRequest(RequestError):
    """The request is well formed but asks for something this model does not
    support; the message names what it does support."""


def _fields(cls, d):
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = set(d) - names
    if unknown:
        raise InvalidRequest(f"{cls.__name__}: unknown field(s) {sorted(unknown)}")
    return d


class _Dict:
    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass
class Note(_Dict):
    track: Any          # track id (or index into Piece.tracks)
    start: int          # tick, 480 per quarter
    duration: int       # ticks
    pitch: int          # MIDI 0..127
    velocity: int = 80  # 1..127

    @classmethod
    def from_dict(cls, d):
        return d if isinstance(d, cls) else cls(**_fields(cls, d))


@dataclass
class Track(_Dict):
    id: Any                   # str or int, unique in the piece
    name: str = ""
    voice: str | None = None  # optional hint: "S", "A", "T" or "B"
    drums: bool = False       # a General MIDI drum track (channel 10): heard by no model, never written

    @classmethod
    def from_dict(cls, d):
        return d if isinstance(d, cls) else cls(**_fields(cls, d))


@dataclass
class ChordSymbol(_Dict):
    start: int          # tick, 480 per quarter
    duration: int       # ticks
    symbol: str         # canonical text: "C", "F#m7", "Bb7/D", "N.C."

    @classmethod
    def from_dict(cls, d):
        return d if isinstance(d, cls) else cls(**_fields(cls, d))


@dataclass
class Piece(_Dict):
    tracks: list[Track]
    notes: list[Note] = field(default_factory=list)
    time_signature: str = "4/4"
    key: str | None = None     # e.g. "G major", "f# minor"; None = estimate
    tempo: float = 90.0        # quarter notes per minute (passed through)
    bars: int | None = None    # length in bars; None = up to the last note
    chords: list[ChordSymbol] = field(default_factory=list)   # the chord track; generation follows it

    @classmethod
    def from_dict(cls, d):
        if isinstance(d, cls):
            return d
        d = dict(_fields(cls, d))
        d["tracks"] = [Track.from_dict(t) for t in d.get("tracks", [])]
        d["notes"] = [Note.from_dict(n) for n in d.get("notes", [])]
        d["chords"] = [ChordSymbol.from_dict(c) for c in d.get("chords", [])]
        return cls(**d)


@dataclass
class Region(_Dict):
    tracks: list          # track ids the generator writes
    start_bar: int        # first bar (0-based)
    end_bar: int          # one past the last bar

    @classmethod
    def from_dict(cls, d):
        return d if isinstance(d, cls) else cls(**_fields(cls, d))


@dataclass
class Controls(_Dict):
    temperature: float = 1.0
    top_p: float = 0.95
    note_density: float = 0.0     # -1 fewer/longer notes .. +1 more/shorter notes
    pitch_range: dict = field(default_factory=dict)   # {track id: [lo, hi]}
    stay_in_key: bool = False
    keep_close: float = 0.5       # vary only: 0 free rewrite .. 1 stay near the original
    strict_voice_leading: bool = True   # re-sample notes in parallel 5ths/8ves, crossings, wide spacing
    harmonic_rhythm: str = "bar"  # chords only: one chord per "bar", "half" bar or "beat"
    chord_vocabulary: str = "triads"   # chords only: "triads", "sevenths" or "jazz"
    follow_chords: bool = True    # harmonize/infill/continue: sound the piece's chord symbols
    cue_targets: list = field(default_factory=list)   # [{kind: "cadence"|"hit", tick}] in the region
    style: str = "auto"           # one of the checkpoint's styles (capabilities), or "auto": read from the context

    @classmethod
    def from_dict(cls, d):
        if isinstance(d, cls):
            return d
        return cls(**_fields(cls, d or {}))


CONTROL_SCHEMA = {
    "temperature": dict(type="float", min=0.1, max=2.0, default=1.0, label="Temperature",
                        help="Higher is more adventurous, lower is safer."),
    "top_p": dict(type="float", min=0.5, max=1.0, default=0.95, label="Top-p",
                  help="Sample only from the most likely choices that add up to p."),
    "note_density": dict(type="float", min=-1.0, max=1.0, default=0.0, label="Note density",
                         help="-1: fewer, longer notes; +1: more, shorter notes."),
    "pitch_range": dict(type="pitch_range_per_track", min=0, max=127, default={},
                        label="Pitch range per track",
                        help="{track id: [lowest, highest]} MIDI pitches for generated notes."),
    "stay_in_key": dict(type="bool", default=False, label="Stay in key",
                        help="Only pitches of the piece's key (minor allows raised 6th/7th)."),
    "keep_close": dict(type="float", min=0.0, max=1.0, default=0.5,
                       label="Keep close to the original", help="vary only."),
    "strict_voice_leading": dict(type="bool", default=True, label="Strict voice-leading",
                                 help="Rewrite written notes that move in parallel fifths or octaves, cross "
                                      "the voice above or below, or leave more than an octave between upper voices."),
    "harmonic_rhythm": dict(type="choice", options=list(HARMONIC_RHYTHMS), default="bar",
                            label="Harmonic rhythm", help="Suggest chords: one chord per bar, half bar or beat."),
    "chord_vocabulary": dict(type="choice", options=list(CHORD_VOCABULARIES), default="triads",
                             label="Chord vocabulary", help="Suggest chords: triads only, with sevenths, or jazz extensions."),
    "follow_chords": dict(type="bool", default=True, label="Follow the chords",
                          help="Harmonize, infill and continue sound the piece's chord symbols on strong beats."),
    "cue_targets": dict(type="cue_targets", kinds=["cadence", "hit"], default=[], label="Cue targets",
                        help="[{kind, tick}] inside the region: a cadence lands on a downbeat (dominant to "
                             "tonic, the bass on the tonic); a hit is an accented onset in every written voice on a beat."),
    "style": dict(type="choice", options=["auto", "chorale"], default="auto", label="Style",
                  help="The music the model writes like; auto reads it from the piece. A backend lists the styles "
                       "it knows."),
}


@dataclass
class GenerateRequest(_Dict):
    operation: str                 # one of OPERATIONS
    piece: Piece
    region: Region
    keep: list[Note] = field(default_factory=list)   # notes in the region that must stay
    controls: Controls = field(default_factory=Controls)
    num_candidates: int = 4
    seed: int | None = None        # None: drawn at random and reported in provenance

    @classmethod
    def from_dict(cls, d):
        if isinstance(d, cls):
            return d
        d = dict(_fields(cls, d))
        for k in ("operation", "piece", "region"):
            if k not in d:
                raise InvalidRequest(f"GenerateRequest: missing field {k!r}")
        d["piece"] = Piece.from_dict(d["piece"])
        d["region"] = Region.from_dict(d["region"])
        d["keep"] = [Note.from_dict(n) for n in d.get("keep", [])]
        d["controls"] = Controls.from_dict(d.get("controls", {}))
        return cls(**d)


@dataclass
class Candidate(_Dict):
    notes: list[Note]      # notes of the region only (kept notes included verbatim)
    score: float           # mean log-probability per generated cell (higher = likelier)
    chords: list[ChordSymbol] = field(default_factory=list)   # operation chords: the region's symbols

    @classmethod
    def from_dict(cls, d):
        return cls(notes=[Note.from_dict(n) for n in d["notes"]], score=d["score"],
                   chords=[ChordSymbol.from_dict(c) for c in d.get("chords", [])])


@dataclass
class Provenance(_Dict):
    model: str
    version: str
    checksum: str          # sha256 of the checkpoint ('' when none)
    operation: str
    controls: dict
    seed: int
    num_candidates: int
    device: str
    voice_map: dict        # track id (as str) -> voice slot used ("S", "A", "T", "B")
    key: str               # the key used (given or estimated)

    @classmethod
    def from_dict(cls, d):
        return cls(**d)


@dataclass
class GenerateResponse(_Dict):
    candidates: list[Candidate]
    provenance: Provenance
    timings: dict          # milliseconds: prepare, sample, total
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, d):
        return cls(candidates=[Candidate.from_dict(c) for c in d["candidates"]],
                   provenance=Provenance.from_dict(d["provenance"]),
                   timings=dict(d["timings"]), warnings=list(d.get("warnings", [])))


@dataclass
class Capabilities(_Dict):
    name: str
    version: str
    checksum: str
    training_data: str
    licence: str
    operations: list[str]
    controls: dict         # name -> {type, min, max, default, label, help}
    limits: dict           # max_tracks, max_region_bars, time_signatures, ...
    device: str

    @classmethod
    def from_dict(cls, d):
        return cls(**d)
