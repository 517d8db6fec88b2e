"""Writes, one module per concern; import them from here."""
from .members import (guest_create, invite_accept, invite_create, invite_revoke, member_remove,  # noqa: F401
                      member_role_set)
from .pieces import Applied, ops_apply, piece_create  # noqa: F401
from .generation import (generation_regenerate, generation_request, job_cancel,  # noqa: F401
                         proposal_decide)
