"""Every operation on both backends (n-gram and a tiny random GridCoco):
notes only inside the region, kept notes kept, determinism, controls."""
import pytest

from engine.api import Controls, GenerateRequest, Note, Piece, Region, Track
from engine.music import scale_pcs
from engine.testing import BASS, melody_notes, satb_piece

BAR = 1920


def check_inside(res, region, piece, spb_ticks=BAR):
    ids = {str(piece.tracks[t].id) if isinstance(t, int) and t < len(piece.tracks) else str(t)
           for t in region.tracks}
    lo, hi = region.start_bar * spb_ticks, region.end_bar * spb_ticks
    for c in res.candidates:
        for n in c.notes:
            assert str(n.track) in ids, n
            assert lo <= n.start and n.start + n.duration <= hi, n
            assert 0 <= n.pitch <= 127 and 1 <= n.velocity <= 127 and n.duration > 0


CASES = {
    "infill-satb": (lambda: satb_piece(), "infill", Region([0, 1, 2, 3], 1, 2)),
    "infill-one-voice": (lambda: satb_piece(), "infill", Region([2], 2, 3)),
    "continue-melody": (lambda: Piece([Track("m")], melody_notes("m")), "continue", Region(["m"], 4, 6)),
    "continue-satb": (lambda: satb_piece(), "continue", Region([0, 1, 2, 3], 4, 5)),
    "harmonize-melody": (lambda: Piece([Track("m"), Track("a"), Track("t"), Track("b")], melody_notes("m")),
                         "harmonize", Region(["a", "t", "b"], 0, 4)),
    "harmonize-bass-only": (lambda: Piece([Track(0), Track(1)], melody_notes(0)), "harmonize", Region([1], 0, 2)),
    "harmonize-3-voices": (lambda: Piece([Track(0), Track(1), Track(2)], melody_notes(0)), "harmonize", Region([1, 2], 1, 3)),
    "vary-melody+bass": (lambda: Piece([Track(0), Track(1)], melody_notes(0) + melody_notes(1, BASS)),
                         "vary", Region([0], 1, 3)),
    "vary-3/4": (lambda: satb_piece(4, "3/4"), "vary", Region([0, 3], 1, 2)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_operation_writes_only_its_region(gen, case):
    make, op, region = CASES[case]
    piece = make()
    res = gen.generate(GenerateRequest(op, piece, region, num_candidates=2, seed=11))
    assert len(res.candidates) == 2
    spb = 1440 if piece.time_signature == "3/4" else BAR
    check_inside(res, region, piece, spb)
    assert res.provenance.operation == op and res.provenance.seed == 11
    assert all(c.notes for c in res.candidates) or op == "vary"


def test_same_seed_same_candidates_other_seed_differs(gen):
    r = GenerateRequest("infill", satb_piece(), Region([0, 1, 2, 3], 1, 3), num_candidates=3, seed=5)
    a, b = gen.generate(r), gen.generate(GenerateRequest.from_dict(r.to_dict()))
    assert a.candidates == b.candidates
    r.seed = 6
    assert gen.generate(r).candidates != a.candidates


def test_kept_notes_are_returned_verbatim(gen):
    keep = [Note(1, BAR + 480, 960, 64, 77), Note(3, BAR, 240, 43, 99)]
    r = GenerateRequest("infill", satb_piece(), Region([0, 1, 2, 3], 1, 2), keep=keep, num_candidates=3, seed=2)
    res = gen.generate(r)
    for c in res.candidates:
        for k in keep:
            assert k in c.notes
        # nothing else sounds in the kept notes' cells of their tracks
        for n in c.notes:
            for k in keep:
                if n != k and n.track == k.track:
                    assert n.start + n.duration <= k.start or n.start >= k.start + k.duration


def test_pitch_range_and_key(gen):
    ctrl = Controls(pitch_range={"1": [60, 64], "2": [50, 55]}, stay_in_key=True, temperature=1.5)
    piece = satb_piece()
    piece.key = "D major"
    res = gen.generate(GenerateRequest("infill", piece, Region([1, 2], 1, 3), controls=ctrl, num_candidates=4, seed=3))
    scale = scale_pcs((2, "major"))
    for c in res.candidates:
        for n in c.notes:
            lo, hi = ctrl.pitch_range[str(n.track)]
            assert lo <= n.pitch <= hi and n.pitch % 12 in scale, n
    assert res.provenance.key == "D major"


def test_note_density_control(gen):
    def count(d):
        r = GenerateRequest("infill", satb_piece(), Region([0, 1, 2, 3], 1, 3),
                            controls=Controls(note_density=d), num_candidates=4, seed=4)
        return sum(len(c.notes) for c in gen.generate(r).candidates)
    assert count(-1.0) < count(1.0)


def test_keep_close_stays_nearer_the_original(gen):
    piece = satb_piece()
    orig = {(n.track, n.start, n.pitch) for n in piece.notes if BAR <= n.start < 3 * BAR and n.track == 0}

    def overlap(k):
        r = GenerateRequest("vary", piece, Region([0], 1, 3), controls=Controls(keep_close=k), num_candidates=4, seed=9)
        return sum(len(orig & {(n.track, n.start, n.pitch) for n in c.notes}) for c in gen.generate(r).candidates)
    assert overlap(1.0) > overlap(0.0)


def test_backends_agree_on_the_interface(ngram_gen, neural_gen):
    a, b = ngram_gen.capabilities(), neural_gen.capabilities()
    assert a.operations == b.operations and a.controls == b.controls and a.limits == b.limits
    r = GenerateRequest("harmonize", Piece([Track(0), Track(1)], melody_notes(0)), Region([1], 0, 4), num_candidates=2, seed=1)
    ra, rb = ngram_gen.generate(r), neural_gen.generate(r)
    assert type(ra) is type(rb) and set(ra.to_dict()) == set(rb.to_dict())
    assert ra.provenance.voice_map == rb.provenance.voice_map == {"0": "S", "1": "B"}


def test_off_grid_and_overlapping_notes_warn(gen):
    # a played legato: each note overlaps the next by less than a 16th, off the grid: one line, cut
    legato = [Note(0, i * 480, 560, p) for i, p in enumerate([67, 69, 71, 72, 74, 72, 71, 69])]
    res = gen.generate(GenerateRequest("continue", Piece([Track(0)], legato), Region([0], 2, 3), num_candidates=1, seed=0))
    assert any("quantized" in w for w in res.warnings) and any("overlapping" in w for w in res.warnings)
    # a note held under the melody is a second line of the track (chords inside a track), not cut
    held = melody_notes(0) + [Note(0, 0, 1920, 55)]
    res = gen.generate(GenerateRequest("continue", Piece([Track(0)], held), Region([0], 4, 5), num_candidates=1, seed=0))
    assert not any("overlapping" in w for w in res.warnings)
