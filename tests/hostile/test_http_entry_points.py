"""Every HTTP entry point of a piece, walked from the URL patterns themselves (so a new view is
covered the day it is added): an anonymous visitor and a logged-in stranger get nothing, with any
method, and change nothing."""
import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from composer_ui import services
from composer_ui.models import Event, GenerationJob, Invite, Membership
from tests.composer_ui.factories import make_piece, make_user

pytestmark = pytest.mark.django_db
NOT_PIECE_SCOPED = {"home", "signup", "login", "logout", "join", "piece_new", "api_pieces", "api_engine",
                    "api_pieces_import", "research", "research_analytics_all"}


def named_patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if "admin" not in str(entry.pattern):
                yield from named_patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry.name, prefix + str(entry.pattern)


def fill(route: str, values: dict) -> str:
    for name, value in values.items():
        for converter in ("int", "str"):
            route = route.replace(f"<{converter}:{name}>", str(value))
    assert "<" not in route, route
    return "/" + route


@pytest.fixture
def world():
    owner, member = make_user(), make_user()
    piece = make_piece(owner, editors=[member])
    invite = services.invite_create(piece_id=piece.pk, acting_user=owner)
    job = services.generation_request(piece_id=piece.pk, user=owner, operation="infill",
                                      tracks=["t1-1"], bars=[0, 1], candidates=1, seed=1)
    GenerationJob.objects.filter(pk=job.pk).update(status=GenerationJob.CANCELLED)
    values = {"piece_id": piece.pk, "user_id": member.pk, "token": invite.token, "job_id": job.pk, "fmt": "midi"}
    urls = [(name, fill(route, values)) for name, route in named_patterns() if name not in NOT_PIECE_SCOPED]
    assert len(urls) >= 20, urls
    return piece, urls


def counts(piece):
    return (Event.objects.filter(piece=piece).count(), Membership.objects.filter(piece=piece).count(),
            Invite.objects.filter(piece=piece, revoked_at=None).count(), GenerationJob.objects.filter(piece=piece).count())


@pytest.mark.parametrize("who", ["anonymous", "stranger"])
def test_no_piece_url_answers_a_non_member(world, who):
    piece, urls = world
    client = Client(raise_request_exception=False)
    if who == "stranger":
        client.force_login(make_user())
    before = counts(piece)
    for name, url in urls:
        for method in ("get", "post", "patch", "delete"):
            body = {} if method == "get" else {"data": '{"role": "viewer"}', "content_type": "application/json"}
            response = getattr(client, method)(url, **body)
            # 400: refused as malformed before any lookup, the same for every piece id (nothing to probe)
            assert response.status_code in (302, 400, 401, 403, 404, 405), (who, method.upper(), name, url,
                                                                             response.status_code)
            if response.status_code == 302:  # a form view: to the login page, or back to the piece (a 404 for them)
                assert response["Location"].startswith(("/login/", f"/pieces/{piece.pk}/")), (name, response["Location"])
    assert counts(piece) == before


def test_the_rest_of_the_api_wants_a_login():
    client = Client(raise_request_exception=False)
    for url in ("/api/pieces/", "/api/engine/", "/api/research/analytics/", "/api/pieces/import/"):
        assert client.get(url).status_code in (401, 405), url
    assert client.post("/api/pieces/", data="{}", content_type="application/json").status_code in (401, 403)
