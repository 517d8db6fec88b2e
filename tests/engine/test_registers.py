"""engine/registers.py: the piano's range on a model that spans five octaves."""
from engine.api import GenerateRequest, Note, Piece, Region, Track
from engine.registers import SPAN, fold, unfold

Q, BAR = 480, 1920


def piano(low=21, high=108):
    """A left hand down to A0 and a right hand up to C8, in chords."""
    notes = []
    for b in range(4):
        notes += [Note("lh", b * BAR, BAR, p, 70) for p in (low, low + 12)]
        notes += [Note("rh", b * BAR + i * Q, Q, p, 80) for i in range(4) for p in (high - 12, high - 8, high - 5)]
        notes += [Note("mel", b * BAR + i * Q, Q, 72 + i, 90) for i in range(4)]
    return Piece([Track("mel", "Melody"), Track("rh", "Right hand"), Track("lh", "Left hand")], notes, "4/4", "C major", bars=4)


def test_a_piece_within_five_octaves_is_not_touched():
    req = GenerateRequest("infill", Piece([Track("a")], [Note("a", 0, Q, 42, 80), Note("a", Q, Q, 101, 80)]),
                          Region(["a"], 0, 1))
    assert fold(req) == (req, {}, [])


def test_tracks_outside_the_window_move_by_octaves_and_come_back():
    req = GenerateRequest("infill", piano(), Region(["mel"], 1, 2))
    folded, moves, warnings = fold(req)
    pitches = [n.pitch for n in folded.piece.notes]
    assert max(pitches) - min(pitches) <= SPAN
    assert moves and all(k % 12 == 0 for k in moves.values()) and "mel" not in moves
    assert warnings and all("octave" in w for w in warnings)
    back = unfold([n for n in folded.piece.notes if n.track in moves], moves)
    assert sorted(back, key=lambda n: (n.track, n.start, n.pitch)) == sorted(
        [n for n in req.piece.notes if n.track in moves], key=lambda n: (n.track, n.start, n.pitch))


def test_the_ai_writes_a_bar_of_a_full_range_piano_piece(ngram_gen):
    res = ngram_gen.generate(GenerateRequest("infill", piano(), Region(["rh", "lh"], 1, 2), num_candidates=2, seed=3))
    for cand in res.candidates:
        rh = [n.pitch for n in cand.notes if n.track == "rh"]
        lh = [n.pitch for n in cand.notes if n.track == "lh"]
        assert rh and lh and min(rh) > max(lh) + 12        # each hand back in its own register
        assert all(21 <= p <= 108 for p in rh + lh)


def test_a_note_no_octave_brings_near_is_not_heard_and_said(ngram_gen):
    piece = Piece([Track(0)], [Note(0, 0, 480, 10), Note(0, 480, 480, 120)], bars=4)
    res = ngram_gen.generate(GenerateRequest("infill", piece, Region([0], 1, 2), seed=1))
    assert any("left out of what the model hears" in w for w in res.warnings)
