"""
Up to 8 tracks, chords inside a track and drum tracks, on a model that writes four lines.

The model hears and writes four monophonic voice slots. A request is mapped onto them:

- a drum track (General MIDI channel 10, `Track.drums`) is never written (asking for it is refused:
  the model has no drum data) and is left out of what the model hears;
- a track with chords (notes sounding together: a piano hand, guitar comping, double stops) is
  split into lines by rank within each chord (top line, next line, ...), each line a slot;
- the tracks to write get their slots first (a chordal one as many lines as its fullest chord, as
  far as slots allow); the remaining slots hear the other tracks' lines, the outer ones first (the
  melody on top and the bass below carry the harmony), then by how much they play near the region;
- what does not fit is left out of the model's hearing, and a warning names it.

The answer comes back on the original tracks: a chordal track's lines are merged into one track
again, with the rhythm the model gave each line.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict

from engine.api import Track, UnsupportedRequest

SLOTS = 4


LEGATO = 120    # ticks: a note may overlap the next by this much (a played legato) and still be one line


def is_chordal(notes):
    """True when two of the notes sound together for longer than a legato overlap."""
    return polyphony(notes) > 1


def polyphony(notes):
    """How many of the notes sound at once at most, legato overlaps not counted."""
    events = sorted([(n.start, 1) for n in notes] + [(n.start + n.duration - LEGATO, -1) for n in notes],
                    key=lambda e: (e[0], e[1]))
    most = now = 0
    for _, step in events:
        now += step
        most = max(most, now)
    return max(most, 1)


def lines(notes, most):
    """A chordal track's notes as `most` monophonic lines: at each onset, its notes from the top go to
    the highest lines not still holding a note (a bass held under a moving right hand keeps its line);
    notes with no free line are dropped. Returns (lines, dropped)."""
    by_onset = defaultdict(list)
    for n in notes:
        by_onset[n.start].append(n)
    out, ends, dropped = [[] for _ in range(most)], [0] * most, 0
    for start in sorted(by_onset):
        free = [k for k in range(most) if ends[k] - LEGATO <= start]
        chord = sorted(by_onset[start], key=lambda n: -n.pitch)
        for k, n in zip(free, chord):
            out[k].append(n)
            ends[k] = n.start + n.duration
        dropped += max(0, len(chord) - len(free))
    return out, dropped


def to_slots(req, bar_ticks):
    """(the request on at most four monophonic tracks, {line id: original track id}, warnings)."""
    piece = req.piece
    ids = [str(t.id) for t in piece.tracks]
    drums = {str(t.id) for t in piece.tracks if getattr(t, "drums", False)}
    written = [str(t) for t in req.region.tracks]
    if drums & set(written):
        raise UnsupportedRequest(f"drum track {sorted(drums & set(written))[0]!r} cannot be written: this model "
                                 "has no drum data (drum tracks stay as they are, and are left out of what it hears)")
    r0, r1 = req.region.start_bar * bar_ticks, req.region.end_bar * bar_ticks
    texture, notes_of, seen = defaultdict(list), defaultdict(list), set()
    for n in piece.notes:       # a track's texture: what stays of it (the region's notes go, unless varied)
        if not (str(n.track) in written and r0 <= n.start < r1 and req.operation != "vary"):
            texture[str(n.track)].append(n)
    for n in [n for t in texture.values() for n in t] + req.keep:     # what is split into lines
        if (str(n.track), n.start, n.pitch) not in seen:
            seen.add((str(n.track), n.start, n.pitch))
            notes_of[str(n.track)].append(n)
    chordal = {i for i in ids if i not in drums and is_chordal(texture[i])}
    if not chordal and not drums and len(ids) <= SLOTS:
        return req, None, []
    warnings = []
    if drums:
        warnings.append(f"drum track(s) {', '.join(sorted(drums))} left out of what the model hears")
    # the tracks to write first: a line each, then more lines for the chordal ones while slots last
    if len(written) > SLOTS:
        raise UnsupportedRequest(f"this model writes at most {SLOTS} lines at once; the region has "
                                 f"{len(written)} tracks: write fewer tracks per request")
    free = SLOTS - len(written)
    plan = []                                   # (original id, number of lines)
    for t in written:
        want = polyphony(texture[t]) if t in chordal else 1
        plan.append((t, 1 + min(want - 1, free)))
        free -= plan[-1][1] - 1
        if plan[-1][1] < want:
            warnings.append(f"track {t!r}: its chords have up to {want} notes; the model writes "
                            f"{plan[-1][1]} line(s) of it in this request")
    # then the tracks it hears
    heard = [t for t in ids if t not in drums and t not in written]
    candidates = []                             # (rank, original id, line index)
    for t in heard:
        near = sum(1 for n in notes_of[t] if r0 - 2 * bar_ticks <= n.start < r1 + 2 * bar_ticks)
        n_lines = min(polyphony(texture[t]), SLOTS) if t in chordal else 1
        for k in range(n_lines):
            candidates.append((t, k, n_lines, near))
    if candidates:
        mean = {t: sum(n.pitch for n in notes_of[t]) / max(1, len(notes_of[t])) for t in heard}
        top = max(candidates, key=lambda c: (mean[c[0]], -c[1]))
        bottom = min(candidates, key=lambda c: (mean[c[0]], -c[1]))
        order = [top] + [bottom] * (bottom != top)
        order += sorted((c for c in candidates if c not in order), key=lambda c: (c[1], -c[3]))
        chosen = order[:free]
        left = sorted({c[0] for c in candidates} - {c[0] for c in chosen})
        if left:
            warnings.append(f"the model hears {SLOTS} lines: track(s) {', '.join(left)} left out of what it hears")
    else:
        chosen = []
    return _build(req, plan, chosen, chordal, notes_of, warnings)


def _build(req, plan, chosen, chordal, notes_of, warnings):
    origin, tracks, notes, keep = {}, [], [], []
    by_id = {str(t.id): t for t in req.piece.tracks}
    keep_keys = {(str(n.track), n.start, n.pitch) for n in req.keep}
    kept = set()

    def add_lines(t, count, wanted=None):
        split, dropped = lines(notes_of[t], count) if t in chordal else ([notes_of[t]], 0)
        if dropped and wanted is None:
            warnings.append(f"track {t!r}: {dropped} overlapping note(s) with no free line of the {count} "
                            "the model gives it were left out")
        made = []
        for k, line in enumerate(split):
            if wanted is not None and k not in wanted:
                continue
            lid = t if count == 1 and t not in chordal else f"{t}#{k + 1}"
            origin[lid] = t
            tracks.append(Track(lid, by_id[t].name, voice=by_id[t].voice if lid == t else None))
            for n in line:
                key = (t, n.start, n.pitch)
                if key in keep_keys:
                    if key not in kept:                 # a kept note may also be among the piece's notes
                        kept.add(key)
                        keep.append(dataclasses.replace(n, track=lid))
                else:
                    notes.append(dataclasses.replace(n, track=lid))
            made.append(lid)
        return made

    region_tracks = []
    for t, count in plan:
        region_tracks += add_lines(t, count)
    for t in dict.fromkeys(c[0] for c in chosen):
        add_lines(t, next(c[2] for c in chosen if c[0] == t), {c[1] for c in chosen if c[0] == t})
    piece = dataclasses.replace(req.piece, tracks=tracks, notes=notes)
    region = dataclasses.replace(req.region, tracks=region_tracks)
    pitch_range = {lid: r for t, r in req.controls.pitch_range.items() for lid, o in origin.items() if o == str(t)}
    controls = dataclasses.replace(req.controls, pitch_range=pitch_range)
    return dataclasses.replace(req, piece=piece, region=region, keep=keep, controls=controls), origin, warnings


def from_slots(notes, origin, req):
    """Candidate notes back on the request's own track ids."""
    if origin is None:
        return notes
    ids = {str(t.id): t.id for t in req.piece.tracks}
    return sorted((dataclasses.replace(n, track=ids[origin[str(n.track)]]) for n in notes),
                  key=lambda n: (str(n.track), n.start, n.pitch))
