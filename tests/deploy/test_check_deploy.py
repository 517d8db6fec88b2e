"""`manage.py check --deploy` with the production settings reports nothing; the studio's own
checks catch what Django's cannot know about (Origin validator, message limits)."""
import os
import secrets
import subprocess
import sys

from channels.routing import ProtocolTypeRouter, URLRouter
from django.core.checks import run_checks

from composer_ui.routing import websocket_urlpatterns
from deploy.topology import ROOT, read_env_file


def test_check_deploy_with_the_production_env_reports_nothing(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO", "PYTEST"))}
    env.update(read_env_file(ROOT / "deploy" / "production.env.example"))
    # The example's SECRET_KEY is a placeholder Django rightly flags; a real one, as the file says:
    env.update(SECRET_KEY=secrets.token_urlsafe(50), STUDIO_VAR_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_placeholder_secret_key_is_flagged(tmp_path):
    env = {**os.environ, **read_env_file(ROOT / "deploy" / "production.env.example"), "STUDIO_VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "security.W009" in result.stderr + result.stdout


def test_a_websocket_stack_without_the_origin_validator_is_an_error(monkeypatch):
    from studio import asgi

    monkeypatch.setattr(asgi, "application", ProtocolTypeRouter({"websocket": URLRouter(websocket_urlpatterns)}))
    assert "studio.E003" in [m.id for m in run_checks()]


def test_any_origin_is_flagged_when_debug_is_off(settings, monkeypatch):
    from channels.security.websocket import OriginValidator

    from studio import asgi

    settings.DEBUG = False
    monkeypatch.setattr(asgi, "application", ProtocolTypeRouter(
        {"websocket": OriginValidator(URLRouter(websocket_urlpatterns), ["*"])}))
    assert "studio.W004" in [m.id for m in run_checks()]


def test_message_limits_must_sit_under_the_transport_limit(settings):
    from studio.serve import TRANSPORT_MAX_BYTES

    for wrong in (None, 0, TRANSPORT_MAX_BYTES + 1, "64k"):
        settings.STUDIO_LIMITS = {**settings.STUDIO_LIMITS, "message_bytes": wrong}
        assert "studio.E004" in [m.id for m in run_checks()], wrong
    settings.STUDIO_LIMITS = {**settings.STUDIO_LIMITS, "message_bytes": 1024, "ops_per_message": 0}
    assert "studio.E005" in [m.id for m in run_checks()]


def test_the_shipped_settings_pass_every_studio_check():
    assert [m.id for m in run_checks(include_deployment_checks=True) if m.id.startswith("studio.E")] == []
