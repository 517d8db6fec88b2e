"""Empty bars of the tracks a request does not write are unknown to the model, not silence.

A studio piece is longer than its notes (16 bars with 4 written), so "continue the melody
alone" used to show the model three voices resting under it, which it never saw in training,
and it answered with a drone (1 to 3 held notes in 4 bars).
"""
import numpy as np
import pytest

from engine import grid as G
from engine.api import CONTROL_SCHEMA, OPERATIONS, Capabilities, GenerateRequest, Note, Piece, Region, Track
from engine.problem import build_problem, default_limits

Q = 480
GENERIC_CAPS = Capabilities(name="any", version="0", checksum="", training_data="", licence="",
                            operations=list(OPERATIONS), controls=CONTROL_SCHEMA,
                            limits=default_limits(), device="cpu")
# Written for this test (no corpus): a hymn tune in G major, 4 bars, 13 notes.
HYMN = [(67, 1), (71, 1), (74, 1), (72, 1), (71, 2), (69, 1), (67, 1),
        (69, 1), (71, 1), (72, 1), (74, 1), (71, 3), (67, 1)]
# Plain block chords under it (A, T, B), one per half bar.
CHORDS = [(62, 59, 43), (64, 60, 48), (62, 59, 43), (62, 57, 50),
          (64, 60, 48), (62, 59, 43), (62, 59, 43), (62, 57, 43)]


def hymn_piece(bars):
    notes, t = [], 0
    for p, d in HYMN:
        notes.append(Note("S", t, d * Q, p, 80))
        t += d * Q
    for i, chord in enumerate(CHORDS):
        notes += [Note(v, i * 2 * Q, 2 * Q, p, 70) for v, p in zip("ATB", chord)]
    return Piece(tracks=[Track(v, v) for v in "SATB"], notes=notes, time_signature="4/4",
                 key="G major", bars=bars)


def continue_alone(piece):
    return GenerateRequest("continue", piece, Region(["S"], 4, 8), num_candidates=4, seed=3)


@pytest.mark.parametrize("bars", [8, 16])
def test_other_tracks_are_unknown_after_their_last_note(bars):
    caps = GENERIC_CAPS
    prob = build_problem(continue_alone(hymn_piece(bars)), caps)
    r0 = 4 * prob.spb
    for voice in "ATB":
        row = prob.grid[prob.slots["SATB".index(voice)]]
        assert (row[r0:] == G.MASK).all()           # unknown in the new bars ...
        assert (row[:r0] != G.MASK).all()           # ... and given before them
    # the piece's length no longer changes what the model is asked
    same = build_problem(continue_alone(hymn_piece(None)), caps)
    assert np.array_equal(prob.grid[:, :same.n_frames], same.grid)
    for voice in "ATB":
        assert (prob.grid[prob.slots["SATB".index(voice)], same.n_frames:] == G.MASK).all()


def test_melody_continued_alone_after_a_harmonization_moves_like_the_given_bars():
    """The issue's journey with the shipped checkpoint: harmonize the hymn, then continue the
    melody alone by four bars in a 16-bar piece. Notes per bar on average within 30 % of the
    given melody's (3.25); no note held longer than a bar (it used to be 1 to 3 notes in 4 bars)."""
    from engine.neural import NeuralGenerator
    gen = NeuralGenerator(device="cpu")
    piece = hymn_piece(16)
    piece.notes = [n for n in piece.notes if n.track == "S"]
    harmony = gen.generate(GenerateRequest("harmonize", piece, Region(list("ATB"), 0, 4),
                                           num_candidates=1, seed=1))
    piece.notes += harmony.candidates[0].notes
    res = gen.generate(continue_alone(piece))
    counts = []
    for cand in res.candidates:
        notes = [n for n in cand.notes if n.track == "S"]
        assert not [n for n in notes if n.duration > 4 * Q]
        assert len({n.pitch for n in notes}) >= 4
        counts.append(len(notes) / 4)
    given = len(HYMN) / 4
    assert 0.7 * given <= sum(counts) / len(counts) <= 1.3 * given, counts


def test_a_voice_resting_through_the_region_is_absent_there_not_silent():
    """Polyphony (a madrigal's staggered entries, a band's tacet horn): a voice that rests through
    the region's bars is left out there (PAD, as voices are left out in training), not shown as
    chorale voices falling silent, which the model answered with rests of its own."""
    notes = [Note("S", i * Q, Q, 72, 80) for i in range(16)] + [Note("T", i * Q, Q, 60, 80) for i in range(16)]
    notes += [Note("B", 12 * Q + i * Q, Q, 48, 80) for i in range(4)]          # the bass enters in bar 3
    piece = Piece([Track(v, v, v) for v in "STB"], notes, "4/4", "C major", bars=4)
    prob = build_problem(GenerateRequest("infill", piece, Region(["T"], 1, 2), seed=1), GENERIC_CAPS)
    bass = prob.grid[prob.slots[2]]
    assert (bass[:12 * 4] == G.PAD).all() and (bass[12 * 4:] != G.PAD).all()
    assert (prob.grid[prob.slots[0]] != G.PAD).all()            # the soprano sings: as given
