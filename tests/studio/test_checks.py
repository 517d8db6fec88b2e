from django.core.checks import run_checks


def test_default_settings_pass_the_studio_checks():
    assert [m.id for m in run_checks() if m.id.startswith("studio.")] == []


def test_a_short_visibility_timeout_is_an_error(settings):
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": settings.CELERY_TASK_TIME_LIMIT}
    assert "studio.E001" in [m.id for m in run_checks()]


def test_deploy_checks_flag_development_defaults(settings):
    settings.DEBUG = False
    ids = [m.id for m in run_checks(include_deployment_checks=True)]
    assert {"studio.W001", "studio.W002", "studio.W003"} <= set(ids)
