"""A four-voice piece with a melody, and shortcuts to ask for, run and decide on jobs."""
from unittest import mock

from composer_ui import jobs, selectors, services

from .factories import make_piece

SATB = [{"name": n, "program": 52, "pitch_range": r}
        for n, r in (("Soprano", [60, 81]), ("Alto", [53, 74]), ("Tenor", [48, 69]), ("Bass", [36, 62]))]
MELODY = [67, 67, 69, 71, 72, 71, 69, 67, 69, 71, 72, 74, 71, 69, 67, 67]


def satb_piece(owner=None, **kwargs):
    piece = make_piece(owner, tracks=SATB, key="G major", **kwargs)
    soprano = track_ids(piece)[0]
    ops = [{"op": "note.add", "id": f"m{i}", "track": soprano, "start": i * 480, "duration": 480, "pitch": p}
           for i, p in enumerate(MELODY)]
    services.ops_apply(piece_id=piece.pk, user=piece.owner, ops=ops, client_op_id=None)
    return piece


def track_ids(piece):
    return [t["id"] for t in selectors.piece_state(piece_id=piece.pk)[1]["tracks"]]


def ask(piece, user=None, *, operation="infill", tracks=None, bars=(1, 2), candidates=2, seed=7, **kwargs):
    return services.generation_request(piece_id=piece.pk, user=user or piece.owner, operation=operation,
                                       tracks=tracks or track_ids(piece), bars=list(bars), candidates=candidates,
                                       seed=seed, **kwargs)


def ask_and_run(piece, user=None, **kwargs):
    """Ask and run the job here and now. Nothing is enqueued: in tests whose transactions commit, the
    in-process pool would otherwise race this run for the job (and win on a busy machine)."""
    with mock.patch("composer_ui.jobs.enqueue"):
        job = ask(piece, user, **kwargs)
    ran = jobs.generation_run(job_id=job.pk)
    assert ran is not None and ran.status == "ready", (ran and ran.reason)
    return ran


def decide(job, user=None, **kwargs):
    return services.proposal_decide(piece_id=job.piece_id, job_id=job.pk, user=user or job.piece.owner, **kwargs)
