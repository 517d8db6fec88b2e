"""The studio's own system checks (run by `manage.py check`, and `check --deploy`)."""
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register()
def generation_settings(app_configs, **kwargs):
    errors = []
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    if visibility < 2 * settings.CELERY_TASK_TIME_LIMIT:
        errors.append(Error(
            f"Celery's visibility_timeout ({visibility}s) is under twice the task time limit "
            f"({settings.CELERY_TASK_TIME_LIMIT}s): a slow job would be delivered again while it runs.",
            id="studio.E001"))
    if not (settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
            and settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1):
        errors.append(Error("generation tasks need late acks, reject-on-worker-lost and prefetch 1",
                            id="studio.E002"))
    return errors


@register(Tags.security, deploy=True)
def production_settings(app_configs, **kwargs):
    warnings = []
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        warnings.append(Warning("SECRET_KEY is the development key; set SECRET_KEY in the environment.",
                                id="studio.W001"))
    if not settings.DEBUG and settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        warnings.append(Warning("DEBUG is off but the database is SQLite: set DATABASE_URL to PostgreSQL.",
                                id="studio.W002"))
    if not settings.DEBUG and settings.CHANNEL_LAYERS["default"]["BACKEND"].endswith("InMemoryChannelLayer"):
        warnings.append(Warning("DEBUG is off but the channel layer is in-memory: set REDIS_URL.", id="studio.W003"))
    return warnings
