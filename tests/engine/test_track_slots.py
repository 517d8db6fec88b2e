"""engine/track_slots.py: up to 8 tracks, chords inside a track and drums, on four voice slots."""
import pytest

from engine.api import GenerateRequest, Note, Piece, Region, Track, UnsupportedRequest
from engine.track_slots import is_chordal, lines, to_slots

Q, BAR = 480, 1920
MELODY = [76, 74, 72, 74, 76, 76, 76, 74, 74, 74, 76, 79, 76, 74, 72, 72]   # E D C D E E E ... in C


def band(bars=4, drums=True, extra=0):
    """Melody, a piano right hand in block triads, a bass, drums and `extra` string pads."""
    tracks = [Track("mel", "Melody"), Track("rh", "Piano RH"), Track("bass", "Bass")]
    notes = [Note("mel", i * Q, Q, MELODY[i % 16], 90) for i in range(4 * bars)]
    triads = [(60, 64, 67), (60, 65, 69), (59, 62, 67), (60, 64, 67)]
    for b in range(bars):
        for beat in range(4):
            notes += [Note("rh", b * BAR + beat * Q, Q, p, 70) for p in triads[b % 4]]
        notes.append(Note("bass", b * BAR, BAR, [48, 53, 43, 48][b % 4], 80))
    if drums:
        tracks.append(Track("dr", "Drums", drums=True))
        notes += [Note("dr", b * BAR + beat * Q, Q // 2, 36 if beat % 2 == 0 else 38, 100)
                  for b in range(bars) for beat in range(4)]
    for k in range(extra):
        tracks.append(Track(f"pad{k}", f"Strings {k}"))
        notes += [Note(f"pad{k}", b * BAR, BAR, 55 + 2 * k, 60) for b in range(bars)]
    return Piece(tracks, notes, "4/4", "C major", bars=bars)


def test_lines_by_rank_within_each_chord():
    chord = [Note("p", 0, Q, p, 80) for p in (60, 64, 67)] + [Note("p", Q, Q, 72, 80)]
    split, dropped = lines(chord, 2)
    assert [[n.pitch for n in line] for line in split] == [[67, 72], [64]] and dropped == 1
    assert is_chordal(chord) and not is_chordal([Note("p", 0, Q, 60, 80), Note("p", Q, Q, 62, 80)])


def test_small_monophonic_requests_are_not_touched():
    piece = Piece([Track("a"), Track("b")], [Note("a", 0, Q, 60, 80)], "4/4")
    req = GenerateRequest("infill", piece, Region(["b"], 0, 1))
    assert to_slots(req, BAR) == (req, None, [])


def test_a_chordal_track_comes_back_on_the_same_track_with_chords(ngram_gen):
    req = GenerateRequest("infill", band(), Region(["rh"], 1, 2), num_candidates=3, seed=4)
    res = ngram_gen.generate(req)
    for cand in res.candidates:
        assert {n.track for n in cand.notes} == {"rh"}
        assert all(BAR <= n.start and n.start + n.duration <= 2 * BAR for n in cand.notes)
    onsets = [sorted(n.start for n in c.notes) for c in res.candidates]
    assert any(len(o) != len(set(o)) for o in onsets), "no chord was written"
    assert any("drum" in w for w in res.warnings)


def test_kept_chord_notes_come_back_verbatim(ngram_gen):
    keep = [Note("rh", BAR, Q, p, 70) for p in (60, 65, 69)]
    res = ngram_gen.generate(GenerateRequest("infill", band(), Region(["rh"], 1, 2), keep=keep,
                                             num_candidates=2, seed=1))
    for cand in res.candidates:
        assert all(k in cand.notes for k in keep)


def test_drum_tracks_are_never_written_and_asking_is_refused(ngram_gen):
    with pytest.raises(UnsupportedRequest, match="drum track 'dr' cannot be written"):
        ngram_gen.generate(GenerateRequest("infill", band(), Region(["dr"], 1, 2)))
    res = ngram_gen.generate(GenerateRequest("continue", band(), Region(["mel", "bass"], 4, 6), seed=2))
    assert all(n.track in ("mel", "bass") for c in res.candidates for n in c.notes)


def test_eight_tracks_with_a_chordal_piano(ngram_gen):
    piece = band(extra=4)
    assert len(piece.tracks) == 8
    res = ngram_gen.generate(GenerateRequest("infill", piece, Region(["mel"], 2, 3), num_candidates=2, seed=3))
    assert all(n.track == "mel" for c in res.candidates for n in c.notes)
    assert any("left out of what it hears" in w for w in res.warnings)


def test_a_five_voice_madrigal_varies_one_voice(ngram_gen):
    voices = [Track(f"v{k}", name) for k, name in enumerate(["Canto", "Alto", "Quinto", "Tenore", "Basso"])]
    notes = [Note(f"v{k}", i * Q, Q, base + (i % 4) * 2, 80)
             for k, base in enumerate([72, 67, 64, 57, 48]) for i in range(16)]
    res = ngram_gen.generate(GenerateRequest("vary", Piece(voices, notes, "4/4", "C major"), Region(["v2"], 1, 3),
                                             num_candidates=2, seed=5))
    assert res.candidates and all(n.track == "v2" for c in res.candidates for n in c.notes)


def test_too_many_lines_to_write_is_refused_with_the_reason(ngram_gen):
    piece = band(drums=False, extra=3)
    with pytest.raises(UnsupportedRequest, match="at most 4 lines at once; the region has 5 tracks"):
        ngram_gen.generate(GenerateRequest("infill", piece, Region(["mel", "rh", "bass", "pad0", "pad1"], 1, 2)))


def test_a_held_note_keeps_its_line_under_moving_notes():
    bass = Note("p", 0, 4 * Q, 48, 80)                                 # a whole note in the left hand
    right = [Note("p", i * Q, Q, p, 80) for i, p in enumerate([72, 74, 76, 77])]
    inner = [Note("p", i * Q, Q, p, 80) for i, p in enumerate([64, 65, 67, 69])]
    split, dropped = lines([bass] + right + inner, 3)
    assert dropped == 0
    for line in split:                                                 # every line is monophonic
        assert all(a.start + a.duration <= b.start for a, b in zip(line, line[1:]))
    assert [bass] in split
