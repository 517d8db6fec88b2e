"""Several models in one studio, in-process (the model servers' tests are in test_remote_models.py): a request
names its model, the job records which one and where it ran, the piece's policy allows or forbids each,
admission is bounded per model, regenerating keeps the model."""
import pytest

from composer_ui import jobs, selectors, services
from composer_ui.errors import StudioError
from composer_ui.models import GenerationJob

from .factories import make_user
from .generation_helpers import ask, ask_and_run, decide, satb_piece, track_ids

pytestmark = pytest.mark.django_db
TINY = "tests.composer_ui.tiny_engine.TinyGenerator"
NGRAM = "tests.engine.served_backends.SmallNgram"


@pytest.fixture
def two_models(settings):
    settings.STUDIO_MODELS = [{"name": "tiny", "backend": TINY}, {"name": "ngram", "backend": NGRAM, "max_active": 1}]


def test_each_request_runs_on_the_model_it_names_and_the_job_says_which(two_models):
    piece = satb_piece()
    default = ask_and_run(piece)
    chosen = ask_and_run(piece, model="ngram", operation="harmonize", tracks=track_ids(piece)[1:], bars=(0, 2))
    assert (default.model_entry, default.model_name, default.model_endpoint) == ("tiny", "gridcoco", f"in-process {TINY}")
    assert (chosen.model_entry, chosen.model_name, chosen.model_version) == ("ngram", "ngram-baseline", "1.0")
    assert chosen.model_endpoint == f"in-process {NGRAM}" and chosen.model_checksum
    assert chosen.proposal.provenance["model"] == "ngram-baseline"
    assert selectors.job_as_message(chosen)["model_entry"] == "ngram"

    decide(default, reject=True)
    _, applied = decide(chosen, accept=0)
    authors = {n["author"]["name"] for n in selectors.piece_state(piece_id=piece.pk)[1]["notes"].values()
               if n["job"] == chosen.pk}
    assert authors == {"ngram-baseline@1.0"}


def test_an_unknown_model_is_refused_naming_the_models_there_are(two_models):
    with pytest.raises(StudioError, match="there is no model 'gpt' here; the models are tiny, ngram") as error:
        ask(satb_piece(), model="gpt")
    assert error.value.code == "invalid" and not GenerationJob.objects.exists()


def test_the_pieces_policy_allows_or_forbids_each_model_and_only_the_owner_sets_it(two_models):
    editor = make_user()
    piece = satb_piece(editors=[editor])
    with pytest.raises(StudioError) as refused:
        services.ops_apply(piece_id=piece.pk, user=editor, ops=[{"op": "piece.update", "ai_models": ["tiny"]}],
                           client_op_id="c1")
    assert refused.value.code == "forbidden"
    services.ops_apply(piece_id=piece.pk, user=piece.owner, ops=[{"op": "piece.update", "ai_models": ["tiny"]}],
                       client_op_id="c2")
    with pytest.raises(StudioError, match="the model 'ngram' is not allowed in this piece \\(allowed: tiny\\)") as error:
        ask(piece, editor, model="ngram")
    assert error.value.code == "forbidden" and not GenerationJob.objects.filter(model_entry="ngram").exists()
    assert ask(piece, editor, model="tiny").model_entry == "tiny"


def test_admission_is_bounded_per_model(two_models):
    piece, other = satb_piece(), satb_piece()
    ask(piece, model="ngram")  # queued: nothing runs it in this test
    with pytest.raises(StudioError, match="the model ngram is busy") as error:
        ask(other, model="ngram")
    assert error.value.code == "rate_limited" and error.value.extra["retry_after"] > 0
    assert ask(other, model="tiny").status == "queued", "another model still takes requests"


def test_regenerating_asks_the_same_model_again(two_models):
    piece = satb_piece()
    first = ask_and_run(piece, model="ngram")
    again, _ = services.generation_regenerate(piece_id=piece.pk, job_id=first.pk, user=piece.owner)
    assert again.model_entry == "ngram"
    assert jobs.generation_run(job_id=again.pk).model_name == "ngram-baseline"


def test_the_engine_listing_keeps_its_first_shape_and_adds_every_model(two_models, client):
    client.force_login(make_user())
    body = client.get("/api/engine/").json()
    assert body["capabilities"]["name"] == "gridcoco"
    assert [(m["name"], m["default"], m["available"]) for m in body["models"]] == [("tiny", True, True),
                                                                                   ("ngram", False, True)]
    assert body["models"][1]["capabilities"]["name"] == "ngram-baseline"


def test_a_studio_without_the_registry_answers_as_before(client):
    client.force_login(make_user())
    body = client.get("/api/engine/").json()
    assert body["capabilities"]["name"] == "gridcoco" and [m["name"] for m in body["models"]] == ["default"]
    job = ask(satb_piece())
    assert (job.model_entry, job.model_name) == ("default", "gridcoco")
