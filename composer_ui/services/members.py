"""Writes for who is in a piece: members, roles, invites and guests."""
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..errors import StudioError
from ..models import PALETTE, Invite, Membership, Piece
from ..permissions import EDITOR, OWNER, RESEARCHER, VIEWER


def _owner_or_forbidden(piece_id: int, acting_user) -> Piece:
    membership = Membership.objects.filter(piece_id=piece_id, user=acting_user).select_related("piece").first()
    if membership is None:
        raise StudioError("not_found", "no such piece")
    if membership.role != OWNER:
        raise StudioError("forbidden", "only the piece's owner manages members and invites")
    return membership.piece


def _members_changed(piece_id: int) -> None:
    """Every change of members or roles bumps the piece's members version: caches of its members
    list (selectors.room_entry) are stale from then on, in every process."""
    Piece.objects.filter(pk=piece_id).update(members_version=F("members_version") + 1)


def _next_colour(piece_id: int) -> str:
    return PALETTE[Membership.objects.filter(piece_id=piece_id).count() % len(PALETTE)]


def invite_create(*, piece_id: int, acting_user, role: str = EDITOR) -> Invite:
    if role not in (EDITOR, VIEWER):
        raise StudioError("invalid", "an invite's role is 'editor' or 'viewer'")
    piece = _owner_or_forbidden(piece_id, acting_user)
    return Invite.objects.create(piece=piece, role=role, created_by=acting_user)


def invite_revoke(*, piece_id: int, acting_user, token: str) -> Invite:
    _owner_or_forbidden(piece_id, acting_user)
    invite = Invite.objects.filter(piece_id=piece_id, token=token).first()
    if invite is None:
        raise StudioError("not_found", "no such invite")
    if invite.revoked_at is None:
        invite.revoked_at = timezone.now()
        invite.save(update_fields=["revoked_at"])
    return invite


def invite_accept(*, token: str, user) -> Membership:
    """Join the invite's piece with its role. A member keeps their role (an invite never demotes)."""
    invite = Invite.objects.filter(token=token).select_related("piece").first()
    if invite is None or not invite.is_active:
        raise StudioError("not_found", "this invite link does not exist or was revoked")
    with transaction.atomic():
        membership = Membership.objects.filter(piece=invite.piece, user=user).first()
        if membership is None:
            membership = Membership.objects.create(piece=invite.piece, user=user, role=invite.role,
                                                   colour=_next_colour(invite.piece_id))
            _members_changed(invite.piece_id)
        elif membership.role == VIEWER and invite.role == EDITOR:
            membership.role = EDITOR
            membership.save(update_fields=["role"])
            _members_changed(invite.piece_id)
    return membership


def guest_create(*, display_name: str):
    """A real user row for someone who joined by link: no password, just a name."""
    name = (display_name or "").strip()
    if not 1 <= len(name) <= 40:
        raise StudioError("invalid", "a display name has 1 to 40 characters")
    user = get_user_model()(username=f"guest-{secrets.token_hex(6)}", first_name=name)
    user.set_unusable_password()
    user.save()
    return user


def member_role_set(*, piece_id: int, acting_user, user_id: int, role: str) -> Membership:
    if role not in (EDITOR, VIEWER, RESEARCHER):
        raise StudioError("invalid", "a member's role is 'editor', 'viewer' or 'researcher' (the owner stays owner)")
    _owner_or_forbidden(piece_id, acting_user)
    membership = Membership.objects.filter(piece_id=piece_id, user_id=user_id).first()
    if membership is None:
        raise StudioError("not_found", "no such member")
    if membership.role == OWNER:
        raise StudioError("forbidden", "the owner's role cannot change")
    with transaction.atomic():
        membership.role = role
        membership.save(update_fields=["role"])
        _members_changed(piece_id)
    return membership


def member_remove(*, piece_id: int, acting_user, user_id: int) -> None:
    piece = _owner_or_forbidden(piece_id, acting_user)
    if user_id == piece.owner_id:
        raise StudioError("forbidden", "the owner cannot be removed")
    with transaction.atomic():
        deleted, _ = Membership.objects.filter(piece_id=piece_id, user_id=user_id).delete()
        if not deleted:
            raise StudioError("not_found", "no such member")
        _members_changed(piece_id)
