"""Writing to the cues through the studio (issue 16, part 4): the generate message's cue_targets
control goes through the protocol, the service and the job to the engine, bad targets are refused
before any job exists, and the proposal is accepted like any other."""
import pytest
from channels.db import database_sync_to_async as db

from composer_ui import selectors
from composer_ui.errors import StudioError
from composer_ui.models import GenerationJob

from .factories import receive_until, room
from .generation_helpers import ask, ask_and_run, decide, satb_piece, track_ids

BAR = 1920
CADENCE = {"kind": "cadence", "tick": 2 * BAR}
HIT = {"kind": "hit", "tick": BAR + 960}


@pytest.mark.django_db
def test_a_cadence_and_a_hit_land_in_the_accepted_notes():
    piece = satb_piece()
    ids = track_ids(piece)
    job = ask_and_run(piece, tracks=ids[1:], bars=(1, 3), controls={"cue_targets": [HIT, CADENCE]})
    assert job.proposal.provenance["controls"]["cue_targets"] == [HIT, CADENCE]
    job, _ = decide(job, accept=0, auditioned=[0])
    state = selectors.piece_state(piece_id=piece.pk)[1]
    written = [n for n in state["notes"].values() if n["job"] == job.pk]
    arrival = [n for n in written if n["start"] == CADENCE["tick"]]
    assert {n["track"] for n in arrival} == set(ids[1:])
    bass = next(n for n in arrival if n["track"] == ids[3])
    assert bass["pitch"] % 12 == 7                                        # G major: the bass on G
    accents = [n for n in written if n["start"] == HIT["tick"]]
    assert {n["track"] for n in accents} == set(ids[1:])
    assert min(n["velocity"] for n in accents) > max(n["velocity"] for n in written if n["start"] != HIT["tick"])


@pytest.mark.django_db
@pytest.mark.parametrize("targets,words", [
    ([{"kind": "cadence", "tick": 3 * BAR}], "outside the region"),
    ([{"kind": "cadence", "tick": BAR + 480}], "downbeat"),
    ([{"kind": "swell", "tick": BAR}], "kind must be one of cadence, hit"),
    ({"kind": "hit"}, "must be a list"),
    (0, "must be a list"),
])
def test_bad_targets_are_refused_before_a_job_exists(targets, words):
    piece = satb_piece()
    with pytest.raises(StudioError) as error:
        ask(piece, bars=(1, 3), controls={"cue_targets": targets})
    assert error.value.code == "invalid" and words in error.value.message and "cue_targets" in error.value.message
    assert not GenerationJob.objects.filter(piece=piece).exists()


@pytest.mark.django_db(transaction=True)
async def test_write_to_the_cues_over_the_room(settings):
    settings.STUDIO_USE_CELERY = False
    piece = await db(satb_piece)()
    tracks = await db(track_ids)(piece)
    async with room(piece.owner, piece.pk) as ws:
        await ws.send_json_to({"type": "generate", "request_id": "cues", "operation": "infill", "tracks": tracks,
                               "bars": [1, 3], "candidates": 2, "seed": 3, "controls": {"cue_targets": [CADENCE]}})
        proposal = await receive_until(ws, "proposal", timeout=60)
        assert proposal["provenance"]["controls"]["cue_targets"] == [CADENCE]
        for candidate in proposal["candidates"]:
            assert {n["track"] for n in candidate["notes"] if n["start"] == CADENCE["tick"]} == set(tracks)
        await ws.send_json_to({"type": "generate", "operation": "infill", "tracks": tracks, "bars": [1, 3],
                               "controls": {"cue_targets": [{"kind": "hit", "tick": BAR + 7}]}})
        error = await receive_until(ws, "error")
        assert error["code"] == "invalid" and "a hit lands on a beat" in error["message"]
