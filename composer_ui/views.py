"""HTML pages: sign-up, the piece list, a piece's members and invites, guest join.

Pages call the same services as the API; the piano roll lives on the piece page.
"""
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from . import broadcast, selectors, services
from .errors import StudioError
from .forms import ClassroomForm, GuestJoinForm, InviteForm, PieceForm, SignUpForm
from .models import Invite
from .permissions import EDITOR, HISTORY_ROLES, RESEARCHER, VIEWER
from .policy import policy_of


def home(request):
    if not request.user.is_authenticated:
        return render(request, "composer_ui/landing.html")
    form = PieceForm()
    return render(request, "composer_ui/home.html",
                  {"memberships": selectors.memberships_for_user(user=request.user), "form": form})


@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("home")
    return render(request, "registration/signup.html", {"form": form})


@login_required
@require_POST
def piece_new(request):
    form = PieceForm(request.POST)
    if not form.is_valid():
        return render(request, "composer_ui/home.html", {
            "memberships": selectors.memberships_for_user(user=request.user), "form": form}, status=400)
    data = form.cleaned_data
    beats, unit = (int(x) for x in data["time_signature"].split("/"))
    try:
        piece = services.piece_create(owner=request.user, title=data["title"], tempo=data["tempo"],
                                      time_signature=(beats, unit), key=data["key"], bars=data["bars"])
    except StudioError as error:
        messages.error(request, error.message)
        return redirect("home")
    return redirect("piece", piece_id=piece.pk)


def _membership_or_404(request, piece_id):
    try:
        return selectors.membership_get(piece_id=piece_id, user=request.user)
    except StudioError:
        raise Http404("no such piece") from None


@login_required
def piece(request, piece_id):
    membership = _membership_or_404(request, piece_id)
    seq, state = selectors.piece_state(piece_id=piece_id)
    invites = selectors.invites_list(piece_id=piece_id, user=request.user) if membership.role == "owner" else []
    return render(request, "composer_ui/piece.html", {
        "membership": membership, "piece": membership.piece, "seq": seq, "state": state,
        "members": selectors.members_list(piece_id=piece_id), "invites": invites, "invite_form": InviteForm(),
        "classroom_form": ClassroomForm(initial=policy_of(state["piece"]) | {
            "own_tracks_only": state["piece"].get("own_tracks_only", False)}),
        "note_count": len(state["notes"]), "history_roles": HISTORY_ROLES,
        "assignable_roles": (EDITOR, VIEWER, RESEARCHER)})


@login_required
@require_POST
def invite_new(request, piece_id):
    form = InviteForm(request.POST)
    try:
        if not form.is_valid():
            raise StudioError("invalid", "choose editor or viewer")
        services.invite_create(piece_id=piece_id, acting_user=request.user, role=form.cleaned_data["role"])
    except StudioError as error:
        messages.error(request, error.message)
    return redirect("piece", piece_id=piece_id)


@login_required
@require_POST
def invite_revoke(request, piece_id, token):
    try:
        services.invite_revoke(piece_id=piece_id, acting_user=request.user, token=token)
    except StudioError as error:
        messages.error(request, error.message)
    return redirect("piece", piece_id=piece_id)


@login_required
@require_POST
def member_role(request, piece_id, user_id):
    """The owner makes a member an editor, a viewer or a researcher (who may read the history)."""
    try:
        services.member_role_set(piece_id=piece_id, acting_user=request.user, user_id=user_id,
                                 role=request.POST.get("role", ""))
        broadcast.members_changed_from_sync(piece_id, user_id)
    except StudioError as error:
        messages.error(request, error.message)
    return redirect("piece", piece_id=piece_id)


@login_required
@require_POST
def piece_settings(request, piece_id):
    """The owner's classroom settings: who owns which track, 'own tracks only', the AI policy."""
    _membership_or_404(request, piece_id)
    form = ClassroomForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        return redirect("piece", piece_id=piece_id)
    ops = [{"op": "piece.update", **form.cleaned_data}]
    _, state = selectors.piece_state(piece_id=piece_id)
    for track in state["tracks"]:
        owner = request.POST.get(f"owner-{track['id']}", "")
        # ASCII digits only ("²".isdigit() is true, int() refuses it) and few of them (int() refuses 4,301).
        owner = int(owner) if owner.isascii() and owner.isdigit() and len(owner) <= 10 else None
        if owner != track.get("owner"):
            ops.append({"op": "track.update", "id": track["id"], "owner": owner})
    try:
        applied = services.ops_apply(piece_id=piece_id, user=request.user, ops=ops, client_op_id=None)
        broadcast.to_room_from_sync(piece_id, applied.message)
    except StudioError as error:
        messages.error(request, error.message)
    return redirect("piece", piece_id=piece_id)


@require_http_methods(["GET", "POST"])
def join(request, token):
    invite = Invite.objects.filter(token=token, revoked_at__isnull=True).select_related("piece").first()
    if invite is None:
        return render(request, "composer_ui/join.html", {"gone": True}, status=404)
    form = GuestJoinForm(request.POST or None)
    if request.method == "POST" and (request.user.is_authenticated or form.is_valid()):
        try:
            if not request.user.is_authenticated:
                guest = services.guest_create(display_name=form.cleaned_data["display_name"])
                login(request, guest, backend="django.contrib.auth.backends.ModelBackend")
            membership = services.invite_accept(token=token, user=request.user)
        except StudioError as error:
            messages.error(request, error.message)
            return redirect("join", token=token)
        broadcast.members_changed_from_sync(membership.piece_id)
        return redirect("piece", piece_id=membership.piece_id)
    return render(request, "composer_ui/join.html", {"invite": invite, "form": form})
