"""The AI and the chord track in the studio: ask for chords -> a proposal carrying chord symbols -> accept
-> chord.add ops attributed to the model; harmonize then follows the chords."""
import pytest

from composer_ui import engine_bridge, selectors, services
from composer_ui.errors import StudioError
from composer_ui.models import Event, Proposal

from .generation_helpers import ask, ask_and_run, decide, satb_piece, track_ids

pytestmark = pytest.mark.django_db
BAR = 1920
PARSE = {"G": {7, 11, 2}, "C/E": {0, 4, 7}, "Am": {9, 0, 4}, "D7": {2, 6, 9, 0}}


def chords_of(piece):
    return sorted(selectors.piece_state(piece_id=piece.pk)[1]["chords"].values(), key=lambda c: c["start"])


def add_chords(piece, chords):
    ops = [{"op": "chord.add", "start": s, "duration": d, "symbol": sym} for s, d, sym in chords]
    services.ops_apply(piece_id=piece.pk, user=piece.owner, ops=ops, client_op_id=None)


def ask_chords(piece, **kwargs):
    soprano = track_ids(piece)[0]
    return ask_and_run(piece, operation="chords", tracks=[soprano], bars=(1, 3),
                       controls={"harmonic_rhythm": "beat", "chord_vocabulary": "sevenths"}, **kwargs)


def test_chords_are_proposed_inside_the_region_and_accepted_with_attribution():
    piece = satb_piece()
    add_chords(piece, [(0, 2400, "G"), (2400, 480, "C"), (5760, BAR, "D")])   # held in, inside, after
    job = ask_chords(piece)
    proposal = Proposal.objects.get(job=job)
    assert len(proposal.candidates) == 2 and proposal.provenance["operation"] == "chords"
    for candidate in proposal.candidates:
        assert candidate["notes"] == [] and candidate["chords"]
        assert all(BAR <= c["start"] and c["start"] + c["duration"] <= 3 * BAR for c in candidate["chords"])

    job, applied = decide(job, accept=1, auditioned=[0, 1])
    assert job.status == "accepted" and Event.objects.get(piece=piece, seq=applied.seq).kind == "accept"
    chords = chords_of(piece)
    assert (chords[0]["start"], chords[0]["duration"], chords[0]["symbol"]) == (0, BAR, "G")  # cut at the region
    assert (chords[-1]["start"], chords[-1]["symbol"]) == (5760, "D")                            # outside: kept
    ai = [c for c in chords if c["job"] == job.pk]
    assert [(c["start"], c["duration"], c["symbol"]) for c in ai] == \
        [(c["start"], c["duration"], c["symbol"]) for c in proposal.candidates[1]["chords"]]
    for chord in ai:
        assert chord["author"] == {"kind": "model", "name": f"{job.model_name}@{job.model_version}"}
        assert chord["candidate"] == 1 and chord["accepted_by"] == {"kind": "user", "id": piece.owner.pk}
    assert not any(c["symbol"] == "C" and c["start"] == 2400 for c in chords)                 # replaced

    # undo, as the page does it: the inverse of the accept event (its chord.add ops deleted, the rest restored)
    ops = [{"op": "chord.delete", "id": c["id"]} for c in ai]
    ops += [{"op": "chord.update", "id": chords[0]["id"], "duration": 2400}]
    ops += [{"op": "chord.add", "start": 2400, "duration": 480, "symbol": "C"}]
    services.ops_apply(piece_id=piece.pk, user=piece.owner, ops=ops, client_op_id=None)
    assert [(c["start"], c["duration"], c["symbol"]) for c in chords_of(piece)] == \
        [(0, 2400, "G"), (2400, 480, "C"), (5760, BAR, "D")]


def test_the_same_seed_gives_the_same_chords_and_bad_controls_are_refused():
    piece = satb_piece()
    first = ask_chords(piece, seed=5)
    decide(first, reject=True)
    assert ask_chords(piece, seed=5).proposal.candidates == first.proposal.candidates
    soprano = track_ids(piece)[0]
    for controls, word in (({"harmonic_rhythm": "weekly"}, "Harmonic rhythm"),
                           ({"chord_vocabulary": 7}, "Chord vocabulary")):
        with pytest.raises(StudioError, match=word) as caught:
            ask(piece, operation="chords", tracks=[soprano], bars=(1, 3), controls=controls)
        assert caught.value.code == "invalid"


def test_a_chord_typed_in_the_region_makes_the_proposal_stale():
    piece = satb_piece()
    job = ask_chords(piece)
    assert not selectors.proposal_is_stale(job)
    add_chords(piece, [(2 * BAR, 480, "Em")])
    assert selectors.proposal_is_stale(job)
    with pytest.raises(StudioError) as caught:
        decide(job, accept=0)
    assert caught.value.code == "conflict"


def test_harmonize_follows_the_chord_track():
    piece = satb_piece()
    chords = [(BAR, 960, "G"), (BAR + 960, 960, "C/E"), (2 * BAR, 960, "Am"), (2 * BAR + 960, 960, "D7")]
    add_chords(piece, chords)
    ids = track_ids(piece)
    job = ask_and_run(piece, operation="harmonize", tracks=ids[1:], bars=(1, 3))
    request = engine_bridge.engine_request(selectors.state_at(piece_id=piece.pk, seq=job.base_seq), job)
    assert [(c["start"], c["symbol"]) for c in request["piece"]["chords"]] == [(s, sym) for s, _, sym in chords]
    bass = {BAR: 7, BAR + 960: 4, 2 * BAR: 9, 2 * BAR + 960: 2}
    for candidate in job.proposal.candidates:
        for note in candidate["notes"]:
            start = max(s for s, _, _ in chords if s <= note["start"])
            symbol = next(sym for s, _, sym in chords if s == start)
            if note["start"] % 480 == 0:
                assert note["pitch"] % 12 in PARSE[symbol], (note, symbol)
            if note["start"] == start and note["track"] == ids[3]:
                assert note["pitch"] % 12 == bass[start], (note, symbol)
