"""What the AI serves, through the room: a Band piece (a chordal piano and a drum kit beside the melody
and bass) and a jig in 6/8."""
import pytest

from composer_ui import selectors, services
from composer_ui.errors import StudioError
from composer_ui.piece_templates import TEMPLATES

from .factories import make_piece
from .generation_helpers import ask, ask_and_run, decide

pytestmark = pytest.mark.django_db(transaction=True)
Q, BAR = 480, 1920


def band_piece():
    piece = make_piece(tracks=TEMPLATES["band"][2], key="C major", bars=8)
    melody, piano, bass, drums = (t["id"] for t in selectors.piece_state(piece_id=piece.pk)[1]["tracks"])
    ops, n = [], 0

    def add(track, start, duration, pitch):
        nonlocal n
        n += 1
        ops.append({"op": "note.add", "id": f"b{n}", "track": track, "start": start, "duration": duration,
                    "pitch": pitch})
    for i, p in enumerate([76, 74, 72, 74, 76, 76, 76, 74, 74, 74, 76, 79, 76, 74, 72, 72]):
        add(melody, i * Q, Q, p)
    for bar, chord in enumerate([(60, 64, 67), (60, 65, 69), (59, 62, 67), (60, 64, 67)]):
        for beat in range(4):
            for p in chord:
                add(piano, bar * BAR + beat * Q, Q, p)
        add(bass, bar * BAR, BAR, [48, 53, 43, 48][bar])
        for beat in range(4):
            add(drums, bar * BAR + beat * Q, Q // 2, 36 if beat % 2 == 0 else 38)
    services.ops_apply(piece_id=piece.pk, user=piece.owner, ops=ops, client_op_id=None)
    return piece, melody, piano, bass, drums


def test_the_ai_continues_a_band_piece_and_writes_chords_on_the_piano():
    piece, melody, piano, bass, drums = band_piece()
    job = ask_and_run(piece, operation="continue", tracks=[melody, piano, bass], bars=(4, 6), candidates=2)
    cand = job.proposal.candidates[0]
    assert {n["track"] for n in cand["notes"]} <= {melody, piano, bass}
    assert any("drum" in w for w in job.proposal.provenance["warnings"])
    decide(job, accept=0, auditioned=[0])
    notes = selectors.piece_state(piece_id=piece.pk)[1]["notes"].values()
    assert not [n for n in notes if n["track"] == drums and n["start"] >= 4 * BAR]


def test_asking_the_ai_to_write_the_drums_is_refused_before_anything_is_queued():
    piece, melody, piano, bass, drums = band_piece()
    with pytest.raises(StudioError, match="does not write drum tracks"):
        ask(piece, operation="infill", tracks=[drums], bars=(1, 2))


def test_a_jig_in_six_eight_is_continued_by_four_bars():
    piece = make_piece(tracks=TEMPLATES["melody"][2], key="D major", bars=4, time_signature=(6, 8))
    melody = selectors.piece_state(piece_id=piece.pk)[1]["tracks"][0]["id"]
    jig = [62, 66, 69, 74, 69, 66, 67, 71, 74, 71, 67, 71, 69, 73, 76, 73, 69, 73, 74, 69, 66, 62, 66, 69]
    ops = [{"op": "note.add", "id": f"j{i}", "track": melody, "start": i * 240, "duration": 240, "pitch": p}
           for i, p in enumerate(jig)]
    services.ops_apply(piece_id=piece.pk, user=piece.owner, ops=ops, client_op_id=None)
    job = ask_and_run(piece, operation="continue", tracks=[melody], bars=(4, 8), candidates=2)
    assert any("6/8" in w for w in job.proposal.provenance["warnings"])
    decide(job, accept=0, auditioned=[0])
    state = selectors.piece_state(piece_id=piece.pk)[1]
    assert state["piece"]["bars"] == 8
    assert all(n["start"] < 8 * 1440 for n in state["notes"].values())
