"""The co-composition loop in the services: request -> job -> proposal -> accept or reject."""
from datetime import timedelta

import pytest
from django.utils import timezone

from composer_ui import jobs, selectors, services
from composer_ui.errors import StudioError
from composer_ui.models import Decision, Event, GenerationJob, Proposal
from composer_ui.state import bar_ticks

from .factories import make_user
from .generation_helpers import ask, ask_and_run, decide, satb_piece, track_ids

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("operation,tracks,bars", [
    ("continue", [0], (8, 9)),
    ("infill", [0, 1, 2, 3], (1, 2)),
    ("harmonize", [1, 2, 3], (0, 2)),
    ("vary", [0], (2, 3)),
])
def test_every_operation_runs_and_is_accepted_with_attribution(operation, tracks, bars):
    piece = satb_piece()
    ids = track_ids(piece)
    job = ask_and_run(piece, operation=operation, tracks=[ids[i] for i in tracks], bars=bars)
    proposal = Proposal.objects.get(job=job)
    assert len(proposal.candidates) == 2 and proposal.provenance["seed"] == 7
    size = bar_ticks(selectors.piece_state(piece_id=piece.pk)[1]["piece"])
    for candidate in proposal.candidates:
        for note in candidate["notes"]:
            assert note["track"] in job.tracks and bars[0] * size <= note["start"] < bars[1] * size

    job, applied = decide(job, accept=1, auditioned=[0, 1])
    assert job.status == "accepted" and Event.objects.get(piece=piece, seq=applied.seq).kind == "accept"
    state = selectors.piece_state(piece_id=piece.pk)[1]
    accepted = [n for n in state["notes"].values() if n["job"] == job.pk]
    assert len(accepted) == len(proposal.candidates[1]["notes"])
    for note in accepted:
        assert note["author"] == {"kind": "model", "name": f"{job.model_name}@{job.model_version}"}
        assert note["candidate"] == 1 and note["accepted_by"] == {"kind": "user", "id": piece.owner.pk}
    assert state["piece"]["bars"] >= bars[1]
    decision = Decision.objects.get(job=job)
    assert (decision.action, decision.candidate, decision.auditioned) == ("accept", 1, [0, 1])


def test_the_same_seed_gives_the_same_candidates():
    piece = satb_piece()
    first = ask_and_run(piece, seed=11)
    decide(first, reject=True)
    second = ask_and_run(piece, seed=11)
    assert first.proposal.candidates == second.proposal.candidates


def test_a_missing_seed_is_drawn_and_recorded():
    job = ask(satb_piece(), seed=None)
    assert 0 <= job.seed < 2**31 and job.model_name and job.base_seq == 2


def test_reject_is_stored_with_auditioned_candidates():
    job = ask_and_run(satb_piece())
    job, applied = decide(job, reject=True, auditioned=[0, 1, 0])
    assert job.status == "rejected" and applied is None
    assert Decision.objects.get(job=job).auditioned == [0, 1, 0]
    with pytest.raises(StudioError) as caught:
        decide(job, accept=0)
    assert caught.value.code == "conflict"


def test_human_edit_of_accepted_ai_note_keeps_its_origin():
    editor = make_user()
    piece = satb_piece(editors=[editor])
    job = ask_and_run(piece)
    decide(job, accept=0)
    state = selectors.piece_state(piece_id=piece.pk)[1]
    note = next(n for n in state["notes"].values() if n["job"] == job.pk)
    services.ops_apply(piece_id=piece.pk, user=editor, client_op_id=None,
                       ops=[{"op": "note.update", "id": note["id"], "velocity": 40}])
    edited = selectors.piece_state(piece_id=piece.pk)[1]["notes"][note["id"]]
    assert edited["author"]["kind"] == "model" and edited["job"] == job.pk
    assert edited["human_edited"] is True and edited["last_editor"] == {"kind": "user", "id": editor.pk}


def test_stale_proposal_needs_force_and_is_logged():
    piece = satb_piece()
    job = ask_and_run(piece, bars=(1, 2))
    services.ops_apply(piece_id=piece.pk, user=piece.owner, client_op_id=None,
                       ops=[{"op": "note.update", "id": "m5", "pitch": 60}])  # bar 2 of the melody
    assert selectors.proposal_is_stale(job)
    with pytest.raises(StudioError) as caught:
        decide(job, accept=0)
    assert caught.value.code == "conflict" and caught.value.extra == {"stale": True}
    decide(job, accept=0, force=True)
    decision = Decision.objects.get(job=job)
    assert decision.stale and decision.forced


def test_edits_outside_the_region_do_not_make_it_stale():
    piece = satb_piece()
    job = ask_and_run(piece, bars=(1, 2))
    services.ops_apply(piece_id=piece.pk, user=piece.owner, client_op_id=None,
                       ops=[{"op": "note.update", "id": "m12", "pitch": 60}])  # bar 4
    assert not selectors.proposal_is_stale(job)


def test_a_duplicate_delivery_makes_one_proposal():
    job = ask(satb_piece())
    assert jobs.generation_run(job_id=job.pk).status == "ready"
    assert jobs.generation_run(job_id=job.pk) is None
    assert Proposal.objects.filter(job=job).count() == 1


def test_a_running_job_is_not_run_again_until_its_lease_expires():
    job = ask(satb_piece())
    GenerationJob.objects.filter(pk=job.pk).update(status="running", lease_expires_at=timezone.now() + timedelta(60))
    assert jobs.generation_run(job_id=job.pk) is None
    GenerationJob.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert jobs.generation_run(job_id=job.pk).status == "ready"


def test_the_sweeper_requeues_then_fails_jobs_whose_worker_vanished():
    job = ask(satb_piece())
    expired = timezone.now() - timedelta(seconds=1)
    GenerationJob.objects.filter(pk=job.pk).update(status="running", lease_expires_at=expired, attempts=1)
    assert jobs.jobs_sweep() == [job.pk]
    job.refresh_from_db()
    assert job.status == "queued"
    GenerationJob.objects.filter(pk=job.pk).update(status="running", lease_expires_at=expired, attempts=3)
    jobs.jobs_sweep()
    job.refresh_from_db()
    assert job.status == "failed" and "3 tries" in job.reason


def test_a_request_the_model_cannot_serve_is_refused_before_queueing():
    piece = satb_piece()
    for kwargs, words in [({"operation": "compose"}, "operation"), ({"bars": (3, 2)}, "bars"),
                          ({"bars": (6, 40)}, "bars"), ({"candidates": 99}, "candidates"),
                          ({"controls": {"temperature": 9}}, "Temperature"),
                          ({"controls": {"loudness": 1}}, "unknown control"), ({"tracks": ["nope"]}, "tracks")]:
        with pytest.raises(StudioError) as caught:
            ask(piece, **kwargs)
        assert caught.value.code == "invalid" and words in caught.value.message
    assert not GenerationJob.objects.exists()


def test_viewers_and_strangers_cannot_generate_or_decide():
    viewer, stranger = make_user(), make_user()
    piece = satb_piece(viewers=[viewer])
    job = ask_and_run(piece)
    with pytest.raises(StudioError) as caught:
        ask(piece, viewer)
    assert caught.value.code == "forbidden"
    with pytest.raises(StudioError) as caught:
        decide(job, viewer, accept=0)
    assert caught.value.code == "forbidden"
    for call in (lambda: ask(piece, stranger), lambda: decide(job, stranger, reject=True)):
        with pytest.raises(StudioError) as caught:
            call()
        assert caught.value.code == "not_found"


def _set_policy(piece, **fields):
    services.ops_apply(piece_id=piece.pk, user=piece.owner, client_op_id=None, ops=[{"op": "piece.update", **fields}])


def test_alternate_mode_never_asks_the_ai_twice_in_a_row():
    piece = satb_piece()
    _set_policy(piece, ai_mode="alternate")
    decide(ask_and_run(piece), accept=0)
    with pytest.raises(StudioError) as caught:
        ask(piece)
    assert caught.value.code == "forbidden" and "alternate" in caught.value.message
    services.ops_apply(piece_id=piece.pk, user=piece.owner, client_op_id=None,
                       ops=[{"op": "note.update", "id": "m15", "velocity": 50}])
    assert ask(piece).status == "queued"


def test_teacher_approves_mode_lets_only_the_owner_accept():
    student = make_user()
    piece = satb_piece(editors=[student])
    _set_policy(piece, ai_mode="teacher_approves")
    job = ask_and_run(piece, student)
    with pytest.raises(StudioError) as caught:
        decide(job, student, accept=0)
    assert caught.value.code == "forbidden"
    decide(job, piece.owner, accept=0)
    other = ask_and_run(piece, student, bars=(3, 4))
    assert decide(other, student, reject=True)[0].status == "rejected"


def test_free_mode_ai_switch_operations_and_quota():
    student = make_user()
    piece = satb_piece(editors=[student])
    _set_policy(piece, ai_enabled=False)
    with pytest.raises(StudioError) as caught:
        ask(piece, student)
    assert caught.value.code == "forbidden"
    _set_policy(piece, ai_enabled=True, ai_operations=["harmonize"])
    with pytest.raises(StudioError) as caught:
        ask(piece, student, operation="infill")
    assert "not allowed" in caught.value.message
    _set_policy(piece, ai_operations=["infill"], ai_quota_per_hour=1)
    ask_and_run(piece, student)
    with pytest.raises(StudioError) as caught:
        ask(piece, student)
    assert caught.value.code == "rate_limited" and caught.value.extra["retry_after"] > 0
    with pytest.raises(StudioError) as caught:
        _set_policy_as(piece, student, ai_quota_per_hour=100)
    assert caught.value.code == "forbidden"


def _set_policy_as(piece, user, **fields):
    services.ops_apply(piece_id=piece.pk, user=user, client_op_id=None, ops=[{"op": "piece.update", **fields}])


def test_admission_control_bounds_active_jobs(settings):
    settings.STUDIO_GENERATION = {**settings.STUDIO_GENERATION, "per_user_active": 1}
    piece = satb_piece()
    ask(piece)
    with pytest.raises(StudioError) as caught:
        ask(piece)
    assert caught.value.code == "rate_limited" and caught.value.extra["retry_after"] > 0
    settings.STUDIO_GENERATION = {**settings.STUDIO_GENERATION, "per_user_active": 5, "queue_max": 1}
    with pytest.raises(StudioError) as caught:
        ask(piece)
    assert "busy" in caught.value.message


def test_cancel_stops_a_queued_job_from_running():
    job = ask(satb_piece())
    cancelled = services.job_cancel(piece_id=job.piece_id, job_id=job.pk, user=job.piece.owner)
    assert cancelled.status == "cancelled"
    assert jobs.generation_run(job_id=job.pk) is None
    assert not Proposal.objects.filter(job=job).exists()
