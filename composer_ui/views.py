"""HTML pages: sign-up, the piece list with the new-piece form, the studio, guest join.

Pages call the same services as the API. Everything done inside the studio (tracks, settings, members,
invites) goes through the room's ops and the JSON API, so the page never reloads.
"""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from . import broadcast, selectors, services
from .errors import StudioError
from .forms import GuestJoinForm, PieceForm, SignUpForm
from .models import Invite
from .piece_templates import OPENS_WITH_CHORD_LANE, TEMPLATES, template_tracks
from .permissions import HISTORY_ROLES


def _home(request, form, status=200):
    templates = [{"key": key, "label": label, "hint": hint} for key, (label, hint, _) in TEMPLATES.items()]
    return render(request, "composer_ui/home.html", {
        "memberships": selectors.memberships_for_user(user=request.user), "form": form, "templates": templates},
        status=status)


def home(request):
    if not request.user.is_authenticated:
        return render(request, "composer_ui/landing.html")
    return _home(request, PieceForm())


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
    if not form.is_valid():  # the form comes back with everything the person typed, and why
        return _home(request, form, status=400)
    data = form.cleaned_data
    beats, unit = (int(x) for x in data["time_signature"].split("/"))
    try:
        piece = services.piece_create(owner=request.user, title=data["title"], tempo=data["tempo"],
                                      time_signature=(beats, unit), key=data["key"], bars=data["bars"],
                                      tracks=template_tracks(data["template"]))
    except StudioError as error:
        messages.error(request, error.message)
        return redirect("home")
    if data["template"] in OPENS_WITH_CHORD_LANE:
        return redirect(reverse("piece", args=[piece.pk]) + "?lane=chords")
    return redirect("piece", piece_id=piece.pk)


def _membership_or_404(request, piece_id):
    try:
        return selectors.membership_get(piece_id=piece_id, user=request.user)
    except StudioError:
        raise Http404("no such piece") from None


@login_required
def piece(request, piece_id):
    """The studio. Everything on it after the first paint comes over the room's socket and the JSON API."""
    membership = _membership_or_404(request, piece_id)
    seq, state = selectors.piece_state(piece_id=piece_id)
    return render(request, "composer_ui/piece.html", {
        "membership": membership, "piece": membership.piece, "seq": seq, "state": state,
        "note_count": len(state["notes"]), "history_roles": HISTORY_ROLES,
        "video_max_mib": settings.STUDIO_VIDEO_MAX_BYTES // 1048576})


@login_required
def piece_score(request, piece_id):
    """The print view: the score, or the parts of ?tracks=, drawn from the MusicXML export on pages."""
    membership = _membership_or_404(request, piece_id)
    _, state = selectors.piece_state(piece_id=piece_id)
    chosen = [t for t in request.GET.get("tracks", "").split(",") if t]
    names = [t["name"] for t in state["tracks"] if t["id"] in chosen]
    return render(request, "composer_ui/score.html", {
        "piece": membership.piece, "title": state["piece"]["title"], "tracks": ",".join(chosen),
        "part": ", ".join(names)})


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
