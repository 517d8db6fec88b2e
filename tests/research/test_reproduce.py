""""Regenerate exactly": the stored seed and model give the stored candidates again."""
from composer_ui.models import Proposal


def test_every_proposal_of_the_session_reproduces(session, client):
    client.force_login(session.researcher)
    for job in session.jobs.values():
        result = client.post(f"/api/pieces/{session.piece.pk}/jobs/{job.pk}/reproduce/",
                             content_type="application/json").json()
        assert result["match"] is True, result
        assert [c["match"] for c in result["candidates"]] == [True] * job.num_candidates
        assert result["installed_model"] == result["stored_model"] == f"{job.model_name}@{job.model_version}"


def test_a_changed_proposal_does_not_match(session, client):
    job = session.jobs["undecided"]
    candidates = job.proposal.candidates
    candidates[1]["notes"][0]["pitch"] += 1
    Proposal.objects.filter(job=job).update(candidates=candidates)
    client.force_login(session.teacher)
    result = client.post(f"/api/pieces/{session.piece.pk}/jobs/{job.pk}/reproduce/",
                         content_type="application/json").json()
    assert result["match"] is False and [c["match"] for c in result["candidates"]] == [True, False]
    assert "different candidates" in result["reason"]


def test_another_model_is_named_rather_than_run(session, client, settings):
    settings.STUDIO_GENERATOR = "engine.ngram.NgramGenerator"
    client.force_login(session.teacher)
    job = session.jobs["accepted"]
    result = client.post(f"/api/pieces/{session.piece.pk}/jobs/{job.pk}/reproduce/",
                         content_type="application/json").json()
    assert result["match"] is False and result["candidates"] == []
    assert "install that checkpoint" in result["reason"]
    assert "is now ngram-baseline@1.0" in result["reason"] and f"came from {result['stored_model']}" in result["reason"]


def test_a_model_the_studio_no_longer_has_is_named_with_those_it_has(session, client, settings):
    settings.STUDIO_MODELS = [{"name": "walk", "url": "http://127.0.0.1:9"}]
    client.force_login(session.teacher)
    job = session.jobs["accepted"]
    result = client.post(f"/api/pieces/{session.piece.pk}/jobs/{job.pk}/reproduce/",
                         content_type="application/json").json()
    assert result["match"] is False and result["candidates"] == []
    assert result["reason"].startswith(f"the model {job.model_entry} is gone (the studio's models are now walk)")
    assert f"came from {job.model_name}@{job.model_version} (checksum {job.model_checksum[:12]})" in result["reason"]


def test_only_history_readers_may_reproduce(session, client):
    client.force_login(session.student)
    job = session.jobs["accepted"]
    response = client.post(f"/api/pieces/{session.piece.pk}/jobs/{job.pk}/reproduce/",
                           content_type="application/json")
    assert response.status_code == 403


def test_a_job_of_a_kept_earlier_checkpoint_is_regenerated_with_it(session, client, settings):
    """The 1.0 checkpoint is kept in engine/checkpoints/ when a newer one is installed: its jobs still
    regenerate exactly, with it."""
    from composer_ui import engine_bridge, selectors
    from composer_ui.models import GenerationJob
    from engine.neural import CHECKPOINT, sha256_file
    settings.STUDIO_GENERATOR = "engine.ngram.NgramGenerator"          # the installed model is another one
    kept = sha256_file(CHECKPOINT.replace("gridcoco.pt", "gridcoco-1.0.pt"))
    job = session.jobs["accepted"]
    GenerationJob.objects.filter(pk=job.pk).update(model_name="gridcoco", model_version="1.0.0+20261126",
                                                   model_checksum=kept)
    job.refresh_from_db()
    state = selectors.state_at(piece_id=job.piece_id, seq=job.base_seq)
    _, response = engine_bridge.run_kept(engine_bridge.engine_request(state, job), "gridcoco", kept)
    Proposal.objects.filter(job=job).update(candidates=response["candidates"])
    client.force_login(session.teacher)
    result = client.post(f"/api/pieces/{session.piece.pk}/jobs/{job.pk}/reproduce/",
                         content_type="application/json").json()
    assert result["match"] is True, result
    assert result["installed_model"] == "gridcoco@1.0.0+20261126 (kept as gridcoco-1.0.pt)"
