"""The researcher's pages and API: history, state at a seq, diff, analytics, exports, reproduce.

Thin: parse, authorize (owner or researcher of the piece), call one function, reply.
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
from .export import analytics_csv, research_rows, to_csv, to_jsonl
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
    api_urls["analytics_csv"] = api_urls["analytics"] + "?format=csv"
    api_urls["reproduce_template"] = reverse("research_reproduce", args=[piece_id, 0])
    api_urls["studio"] = reverse("piece", args=[piece_id])
    return render(request, "composer_ui/history.html", {"piece": piece, "head_seq": piece.head_seq,
                                                         "role": membership.role, "api": api_urls})


@login_required
def research_page(request):
    pieces = Piece.objects.filter(pk__in=history_piece_ids(user=request.user)).order_by("-updated_at")
    url = reverse("research_analytics_all")
    return render(request, "composer_ui/research.html", {"pieces": pieces,
                                                          "api": {"analytics": url, "analytics_csv": url + "?format=csv"}})


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
    history_membership(piece_id=piece_id, user=request.user)
    return _analytics_response(request, summarize([piece_facts(piece_id)], piece_id=piece_id),
                               f"piece-{piece_id}-analytics")


@file_api("GET")
def analytics_all(request):
    summary = summarize([piece_facts(p) for p in history_piece_ids(user=request.user)])
    return _analytics_response(request, summary, "study-analytics")


@file_api("GET")
def export_jsonl(request, piece_id):
    history_membership(piece_id=piece_id, user=request.user)
    return _download(to_jsonl(research_rows([piece_id])), "application/x-ndjson",
                     f"piece-{piece_id}-research.jsonl")


@file_api("GET")
def export_csv(request, piece_id):
    history_membership(piece_id=piece_id, user=request.user)
    return _download(to_csv(research_rows([piece_id])), "text/csv", f"piece-{piece_id}-research.csv")


@api("POST")
def reproduce(request, body, piece_id, job_id):
    return job_reproduce(history_job(piece_id=piece_id, job_id=job_id, user=request.user)), 200


def _analytics_response(request, summary: dict, stem: str):
    if request.GET.get("format") == "csv":
        return _download(analytics_csv(summary), "text/csv", f"{stem}.csv")
    return JsonResponse(summary)


def _download(text: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(text.encode(), content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response
