"""Who may read a piece's history: its owner, and members the owner made researchers."""
from ..errors import StudioError
from ..models import GenerationJob, Membership
from ..permissions import HISTORY_ROLES
from ..selectors import membership_get


def history_membership(*, piece_id: int, user) -> Membership:
    membership = membership_get(piece_id=piece_id, user=user)
    if membership.role not in HISTORY_ROLES:
        raise StudioError("forbidden", "only the piece's owner and its researchers see its history")
    return membership


def history_piece_ids(*, user) -> list[int]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Membership.objects.filter(user=user, role__in=HISTORY_ROLES)
                .order_by("piece_id").values_list("piece_id", flat=True))


def history_job(*, piece_id: int, job_id: int, user) -> GenerationJob:
    history_membership(piece_id=piece_id, user=user)
    job = GenerationJob.objects.filter(piece_id=piece_id, pk=job_id).select_related("proposal").first()
    if job is None:
        raise StudioError("not_found", "no such job")
    return job
