"""
The `chords` operation: suggest chord symbols for the melody in a region.

    region.tracks   the melody track(s) (the highest sounding note is the melody)
    region bars     where chords are written; candidates hold symbols there only
    controls        harmonic_rhythm (bar, half, beat), chord_vocabulary (triads,
                    sevenths, jazz), stay_in_key, temperature

Every backend serves it with the same small chord model (engine/chord_model.py),
which also hears the chord track's chord just before the region (the first chord follows it),
so it needs no grid model. Candidate 1 is the model's likeliest sequence; the
others are drawn from its posterior with the request's seed, so the same
request and seed give the same candidates. A chord repeated in the next
segment is written once, held on.
"""
from __future__ import annotations

import random
import time

import numpy as np

from engine import checks, grid as G
from engine.api import Candidate, ChordSymbol, GenerateResponse, InvalidRequest, Provenance, UnsupportedRequest
from engine.chord_follow import check_controls
from engine.chord_labels import SEVENTHS, TEMPLATES, TO_TRIAD
from engine.chord_model import VOCABULARIES, ChordModel, diatonic_mask, segments
from engine.chord_symbols import parse, symbol
from engine.music import estimate_key, key_name, parse_key
from engine.problem_check import check_note, note_cells, track_index

_model = None


def chord_model():
    global _model
    if _model is None:
        _model = ChordModel()
    return _model


def check(req, caps):
    """The engine's checks (engine/checks.py) and what chords needs."""
    c, region = req.controls, req.region
    checks.check_meter(caps, req.piece.time_signature)
    if req.piece.time_signature not in G.METERS:
        raise UnsupportedRequest(f"time signature {req.piece.time_signature!r} is not supported")
    checks.check_candidates(caps, req.num_candidates, req.seed)
    checks.check_controls(c.to_dict(), caps.controls, refuse_unknown=False)
    check_controls(c)
    checks.check_bars(caps, region.start_bar, region.end_bar)
    if not region.tracks:
        raise InvalidRequest("region.tracks is empty: name the melody track(s) to find chords for")
    if req.keep:
        raise InvalidRequest("chords keeps no notes: send keep empty")
    for n in req.piece.notes:
        check_note(n, "note")


def melody(req, spb):
    """Sounding melody pitch per cell of the region (0 = none): the highest note of region.tracks."""
    tracks = {track_index(req.piece, t) for t in req.region.tracks}
    r0, r1 = req.region.start_bar * spb, req.region.end_bar * spb
    snd = np.zeros(r1 - r0, np.int64)
    for n in req.piece.notes:
        if track_index(req.piece, n.track) in tracks:
            s, e = note_cells(n)
            a, b = max(s, r0) - r0, min(e, r1) - r0
            if a < b:
                snd[a:b] = np.maximum(snd[a:b], n.pitch)
    return snd


def previous_chord(req, spb, vocabulary):
    """The chord track's chord sounding just before the region, as (root pc, quality) of the model's
    vocabulary (a seventh read as its triad for "triads"), or None."""
    r0 = req.region.start_bar * spb * G.STEP
    before = [c for c in req.piece.chords if c.start < r0 <= c.start + c.duration]
    parsed = parse(before[-1].symbol) if before else None
    if parsed is None:
        return None
    root, tones, _ = parsed
    for quality in VOCABULARIES[vocabulary]:
        if {(root + s) % 12 for s in TEMPLATES[quality]} == set(tones):
            return root, quality
    if vocabulary == "triads":
        for quality in SEVENTHS:
            if {(root + s) % 12 for s in TEMPLATES[quality]} == set(tones):
                return root, TO_TRIAD[quality]
    return None


def jazz(labels, snd, segs):
    """Sevenths -> extensions the melody sounds: a 9th over a 7th chord (9, m9, maj9), a 6th over a triad."""
    out = []
    for (root, q), (a, b) in zip(labels, segs):
        pcs = {(int(p) - root) % 12 for p in snd[a:b] if p}
        if 2 in pcs and q in ("7", "m7", "maj7"):
            q = {"7": "9", "m7": "m9", "maj7": "maj9"}[q]
        elif 9 in pcs and q in ("", "m"):
            q += "6"
        out.append((root, q))
    return out


def generate(gen, req, caps, started):
    check(req, caps)
    spb = G.METERS[req.piece.time_signature]
    snd = melody(req, spb)
    if not snd.any():
        raise UnsupportedRequest("chords needs a melody: notes on region.tracks in the region's bars")
    if req.piece.key:
        key = parse_key(req.piece.key)
        if key is None:
            raise InvalidRequest(f"cannot read key {req.piece.key!r}; write e.g. 'G major' or 'f# minor'")
    else:
        key = estimate_key([(n.pitch, n.duration) for n in req.piece.notes])
    c = req.controls
    vocabulary = "triads" if c.chord_vocabulary == "triads" else "sevenths"
    segs = segments(len(snd), spb, c.harmonic_rhythm)
    seed = req.seed if req.seed is not None else random.SystemRandom().randrange(2**31)
    allowed = diatonic_mask(vocabulary, key) if c.stay_in_key else None
    found = chord_model().suggest(snd, spb, c.harmonic_rhythm, key, vocabulary, k=req.num_candidates,
                                  seed=seed, temperature=c.temperature, allowed=allowed, segs=segs,
                                  previous=previous_chord(req, spb, vocabulary))
    r0 = req.region.start_bar * spb * G.STEP
    cands = []
    for labels, score in found:
        if c.chord_vocabulary == "jazz":
            labels = jazz(labels, snd, segs)
        chords = []
        for (root, q), (a, b) in zip(labels, segs):
            text = symbol(root, q, key)
            if chords and chords[-1].symbol == text:      # held on: one symbol
                chords[-1].duration += (b - a) * G.STEP
            else:
                chords.append(ChordSymbol(r0 + a * G.STEP, (b - a) * G.STEP, text))
        cands.append(Candidate(notes=[], score=round(score, 4), chords=chords))
    prov = Provenance(model=caps.name, version=caps.version, checksum=caps.checksum, operation="chords",
                      controls=c.to_dict(), seed=seed, num_candidates=req.num_candidates, device=caps.device,
                      voice_map={}, key=key_name(key))
    total = round((time.perf_counter() - started) * 1e3, 2)
    return GenerateResponse(candidates=cands, provenance=prov, timings=dict(prepare_ms=0.0, sample_ms=total, total_ms=total))
