"""The researcher's pages and API: history, state at a seq, diff, analytics, exports, reproduce.

Thin: parse, authorize (owner or researcher of the piece), call one function, reply. Every file
leaves through ``_download``, which sends only what downloads.download made (pseudonymous).
"""
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header

from .. import selectors
from ..api import _int_param, api, file_api
from ..errors import StudioError
from ..models import Piece
from .access import history_job, history_membership, history_piece_ids
from .analytics import piece_facts, summarize
from .diff import piece_diff
from .downloads import Download, download
from .reproduce import job_reproduce
from .timeline import piece_history


@login_required
def history_page(request, piece_id):
    try:
        membership = history_membership(piece_id=piece_id, user=request.user)
    except StudioError:
        raise Http404("no such piece") from None
    piece = membership.piece
    api_urls = {name: reverse(f"research_{name}", args=[piece_id])
                for name in ("history", "state", "diff", "analytics", "export_jsonl", "export_csv")}
    api_urls["analytics_json"] = api_urls["analytics"] + "?format=json"
    api_urls["analytics_csv"] = api_urls["analytics"] + "?format=csv"
    api_urls["reproduce_template"] = reverse("research_reproduce", args=[piece_id, 0])
    api_urls["studio"] = reverse("piece", args=[piece_id])
    return render(request, "composer_ui/history.html", {"piece": piece, "head_seq": piece.head_seq,
                                                         "role": membership.role, "api": api_urls})


@login_required
def research_page(request):
    pieces = Piece.objects.filter(pk__in=history_piece_ids(user=request.user)).order_by("-updated_at")
    url = reverse("research_analytics_all")
    return render(request, "composer_ui/research.html", {
        "pieces": pieces, "api": {"analytics": url, "analytics_json": url + "?format=json",
                                  "analytics_csv": url + "?format=csv"}})


@api("GET")
def history(request, body, piece_id):
    history_membership(piece_id=piece_id, user=request.user)
    return piece_history(piece_id=piece_id), 200


@api("GET")
def state(request, body, piece_id):
    membership = history_membership(piece_id=piece_id, user=request.user)
    head = membership.piece.head_seq
    seq = _int_param(request, "seq", head, 0, head)
    return {"seq": seq, "state": selectors.state_at(piece_id=piece_id, seq=seq)}, 200


@api("GET")
def diff(request, body, piece_id):
    membership = history_membership(piece_id=piece_id, user=request.user)
    head = membership.piece.head_seq
    return piece_diff(piece_id=piece_id, head_seq=head, from_seq=_int_param(request, "from", 0, 0, head),
                      to_seq=_int_param(request, "to", head, 0, head)), 200


@file_api("GET")
def analytics(request, piece_id):
    """The page's charts (JSON, names as the room shows them); ?format=json or csv: a download."""
    history_membership(piece_id=piece_id, user=request.user)
    if request.GET.get("format") in ("json", "csv"):
        return _download(download(f"analytics.{request.GET['format']}", [piece_id],
                                  filename=f"piece-{piece_id}-analytics.{request.GET['format']}"))
    return JsonResponse(summarize([piece_facts(piece_id)], piece_id=piece_id))


@file_api("GET")
def analytics_all(request):
    piece_ids = history_piece_ids(user=request.user)
    if request.GET.get("format") in ("json", "csv"):
        return _download(download(f"analytics.{request.GET['format']}", piece_ids,
                                  filename=f"study-analytics.{request.GET['format']}"))
    return JsonResponse(summarize([piece_facts(p) for p in piece_ids]))


@file_api("GET")
def export_jsonl(request, piece_id):
    history_membership(piece_id=piece_id, user=request.user)
    return _download(download("events.jsonl", [piece_id], filename=f"piece-{piece_id}-research.jsonl"))


@file_api("GET")
def export_csv(request, piece_id):
    history_membership(piece_id=piece_id, user=request.user)
    return _download(download("events.csv", [piece_id], filename=f"piece-{piece_id}-research.csv"))


@api("POST")
def reproduce(request, body, piece_id, job_id):
    return job_reproduce(history_job(piece_id=piece_id, job_id=job_id, user=request.user)), 200


def _download(file: Download) -> HttpResponse:
    if not isinstance(file, Download):
        raise TypeError("research files leave only as downloads.download() made them (pseudonymous)")
    response = HttpResponse(file.body, content_type=file.content_type)
    response["Content-Disposition"] = content_disposition_header(True, file.filename)
    response["Cache-Control"] = "private, no-store"
    return response
