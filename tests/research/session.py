"""A scripted co-composition session with known answers, for the research tests.

A teacher writes a melody, a student adds and edits notes, the teacher changes the AI policy,
four AI jobs run (accepted, rejected, regenerated and accepted, left undecided), the student
edits one AI note, deletes another and undoes an edit. The state after every event is captured
as it is committed, which is what the room was told.
"""
import copy
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from composer_ui import jobs, selectors, services
from composer_ui.models import GenerationJob
from tests.composer_ui.generation_helpers import satb_piece, track_ids

PASSWORD = "pw-research-1"
BAR = 1920


@dataclass
class Session:
    piece: object
    teacher: object
    student: object
    researcher: object
    jobs: dict = field(default_factory=dict)  # name -> GenerationJob
    states: dict = field(default_factory=dict)  # seq -> state, captured as each event committed
    ai_edited: str = ""
    ai_deleted: str = ""

    def capture(self):
        seq, state = selectors.piece_state(piece_id=self.piece.pk)
        self.states[seq] = copy.deepcopy(state)


def _user(username, first, last):
    return get_user_model().objects.create_user(username=username, first_name=first, last_name=last,
                                                email=f"{username}@school.example", password=PASSWORD)


def scripted_session(prefix: str = "") -> Session:
    teacher = _user(f"{prefix}tess", "Tess", "Teacherson")
    student = _user(f"{prefix}sam", "Sam", "Studentova")
    researcher = _user(f"{prefix}rita", "Rita", "Reyes")
    piece = satb_piece(teacher, title="Chorale for Sam")  # a title that names a participant
    s = Session(piece, teacher, student, researcher)
    s.capture()
    for user, role in ((student, "editor"), (researcher, "viewer")):
        invite = services.invite_create(piece_id=piece.pk, acting_user=teacher, role=role)
        services.invite_accept(token=invite.token, user=user)
    services.member_role_set(piece_id=piece.pk, acting_user=teacher, user_id=researcher.pk, role="researcher")
    soprano, alto, tenor, bass = track_ids(piece)

    _edit(s, student, [{"op": "note.add", "id": f"s{i}", "track": alto, "start": 2 * BAR + i * 480,
                        "duration": 480, "pitch": 62 + i} for i in range(4)])
    _edit(s, student, [{"op": "note.update", "id": "s1", "pitch": 60}])
    _edit(s, teacher, [{"op": "piece.update", "ai_quota_per_hour": 30}])
    s.jobs["accepted"] = _run(s, student, tracks=[alto, tenor], bars=[0, 1], candidates=3, seed=11)
    _decide(s, s.jobs["accepted"], student, accept=1, auditioned=[0, 1])
    s.jobs["rejected"] = _run(s, teacher, tracks=[bass], bars=[1, 2], candidates=2, seed=12,
                              controls={"temperature": 0.8})
    _decide(s, s.jobs["rejected"], teacher, reject=True, auditioned=[0])
    s.jobs["regenerated"] = _run(s, teacher, regenerate=s.jobs["rejected"])
    _decide(s, s.jobs["regenerated"], teacher, accept=0, auditioned=[0])
    notes = selectors.piece_state(piece_id=piece.pk)[1]["notes"]
    s.ai_edited = next(i for i in sorted(notes) if i.startswith(f"j{s.jobs['accepted'].pk}-"))
    s.ai_deleted = next(i for i in sorted(notes) if i.startswith(f"j{s.jobs['regenerated'].pk}-"))
    _edit(s, student, [{"op": "note.update", "id": s.ai_edited, "duration": notes[s.ai_edited]["duration"] + 120}])
    _edit(s, student, [{"op": "note.delete", "id": s.ai_deleted}])
    _edit(s, student, [{"op": "note.update", "id": "s1", "pitch": 63}], kind="undo")
    s.jobs["undecided"] = _run(s, student, tracks=[soprano], bars=[3, 4], candidates=2, seed=13)
    # Piece model v2: a chord lane, a cue (its label names a participant), a tempo change, track order.
    _edit(s, teacher, [{"op": "chord.add", "id": "ch1", "start": 2 * BAR, "duration": BAR, "symbol": "am7"},
                       {"op": "cue.add", "id": "q1", "time_us": 12_200_000, "kind": "hit", "label": "door slam for Sam"},
                       {"op": "tempo.set", "bar": 2, "tempo": 96}])
    _edit(s, student, [{"op": "chord.update", "id": "ch1", "symbol": "Am9"}, {"op": "track.move", "id": bass, "index": 0},
                       {"op": "piece.update", "start_offset_us": 3_600_000_000}])
    return s


def ai_notes_accepted(s: Session) -> int:
    return (len(s.jobs["accepted"].proposal.candidates[1]["notes"])
            + len(s.jobs["regenerated"].proposal.candidates[0]["notes"]))


def _edit(s, user, ops, kind="edit"):
    services.ops_apply(piece_id=s.piece.pk, user=user, ops=ops, client_op_id=None, kind=kind)
    s.capture()


def _run(s, user, *, regenerate=None, **request):
    if regenerate is not None:
        job, _ = services.generation_regenerate(piece_id=s.piece.pk, job_id=regenerate.pk, user=user)
    else:
        job = services.generation_request(piece_id=s.piece.pk, user=user, operation="infill", **request)
    jobs.generation_run(job_id=job.pk)  # or a background pool of a live server ran it first
    for _ in range(600):
        job.refresh_from_db()
        if job.status not in GenerationJob.ACTIVE:
            break
        time.sleep(0.05)
    assert job.status == GenerationJob.READY, (job.status, job.reason)
    return job


def _decide(s, job, user, **decision):
    services.proposal_decide(piece_id=s.piece.pk, job_id=job.pk, user=user, **decision)
    job.refresh_from_db()
    s.capture()
