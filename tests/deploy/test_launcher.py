"""The launcher's pieces that need no running services, and the sweeper command."""
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from composer_ui import jobs
from composer_ui.models import GenerationJob
from deploy.topology import ROOT, read_env_file, topology_env
from tests.composer_ui.generation_helpers import ask, satb_piece


def test_env_files_are_key_value_lines(tmp_path):
    path = tmp_path / "studio.env"
    path.write_text("# a comment\n\nDEBUG=0\nSECRET_KEY='a=b'\n  ALLOWED_HOSTS = x.org \n")
    assert read_env_file(path) == {"DEBUG": "0", "SECRET_KEY": "a=b", "ALLOWED_HOSTS": "x.org"}


def test_the_shipped_env_files_switch_to_the_production_path():
    for name in ("loopback.env", "production.env.example"):
        values = read_env_file(ROOT / "deploy" / name)
        assert values["DEBUG"] == "0" and values["DATABASE_URL"].startswith("postgres://")
        assert values["REDIS_URL"].startswith(("redis://", "rediss://")) and values["STUDIO_USE_CELERY"] == "1"


def test_every_process_gets_one_secret_key_that_survives_a_restart(tmp_path):
    first = topology_env({}, var_dir=tmp_path, web_ports=[8001, 8002])
    again = topology_env({}, var_dir=tmp_path, web_ports=[8001, 8002])
    assert len(first["SECRET_KEY"]) >= 50 and first["SECRET_KEY"] == again["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # readable by its owner only
    assert first["DEBUG"] == "0" and first["STUDIO_USE_CELERY"] == "1" and first["STUDIO_SWEEP_IN_PROCESS"] == "0"
    assert "http://127.0.0.1:8002" in first["CSRF_TRUSTED_ORIGINS"].split(",")


def test_the_environment_wins_over_the_defaults(tmp_path):
    env = topology_env({"SECRET_KEY": "k" * 60, "DEBUG": "1"}, var_dir=tmp_path, web_ports=[8001])
    assert env["SECRET_KEY"] == "k" * 60 and env["DEBUG"] == "1" and not (tmp_path / "secret_key").exists()


@pytest.mark.django_db(transaction=True)  # the command closes stale connections, as a long-lived process must
def test_the_sweeper_command_requeues_a_job_whose_lease_expired(monkeypatch):
    enqueued = []
    monkeypatch.setattr(jobs, "enqueue", enqueued.append)  # record the hand-off instead of running the job
    job = ask(satb_piece())
    GenerationJob.objects.filter(pk=job.pk).update(status="running", attempts=1,
                                                   lease_expires_at=timezone.now() - timedelta(seconds=1))
    out = StringIO()
    call_command("sweep_jobs", "--once", stdout=out)
    job.refresh_from_db()
    assert job.status == "queued" and f"swept jobs [{job.pk}]" in out.getvalue()
    assert enqueued == [job.pk, job.pk]  # once when asked, once more by the sweeper
