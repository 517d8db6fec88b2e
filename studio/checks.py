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


@register(Tags.security)
def websocket_origin_checked(app_configs, **kwargs):
    """Cross-site WebSocket hijacking: a page on another site must not open a room with our cookies."""
    from channels.security.websocket import OriginValidator

    from studio import asgi

    websocket = getattr(asgi.application, "application_mapping", {}).get("websocket")
    if not isinstance(websocket, OriginValidator):
        return [Error("studio.asgi's WebSocket stack is not wrapped in AllowedHostsOriginValidator: any site "
                      "could open a room with a visitor's session.", id="studio.E003")]
    if "*" in websocket.allowed_origins and not settings.DEBUG:
        return [Warning("ALLOWED_HOSTS contains '*', so WebSocket handshakes from any Origin are accepted.",
                        id="studio.W004")]
    return []


@register(Tags.security)
def message_size_limits(app_configs, **kwargs):
    """The transport refuses oversized frames; the room answers smaller but still too large ones with
    a clear `too_large`. That only works when the room's limit sits under the transport's."""
    from studio.serve import TRANSPORT_MAX_BYTES

    limits = getattr(settings, "STUDIO_LIMITS", {})
    message_bytes, ops = limits.get("message_bytes"), limits.get("ops_per_message")
    if type(message_bytes) is not int or not 0 < message_bytes <= TRANSPORT_MAX_BYTES:
        return [Error(f"STUDIO_LIMITS['message_bytes'] must be set, from 1 to the transport's "
                      f"{TRANSPORT_MAX_BYTES} bytes (studio.serve); it is {message_bytes!r}.", id="studio.E004")]
    if type(ops) is not int or ops < 1:
        return [Error(f"STUDIO_LIMITS['ops_per_message'] must be a positive integer; it is {ops!r}.",
                      id="studio.E005")]
    return []


@register(Tags.security, deploy=True)
def daphne_version(app_configs, **kwargs):
    """The studio's WebSocket limits and tests assume daphne 4.2.3 (requirements.txt) or later."""
    from importlib.metadata import version

    found = version("daphne")
    if tuple(int(part) for part in found.split(".")[:3] if part.isdigit()) < (4, 2, 3):
        return [Warning(f"daphne {found} is older than 4.2.3, the release the studio is tested with; upgrade it.", id="studio.W005")]
    return []


@register()
def models_registry(app_configs, **kwargs):
    """STUDIO_MODELS is read when the first job needs a model: say what is wrong with it at start instead."""
    from composer_ui.model_registry import parse_models

    try:
        entries = parse_models(settings.STUDIO_MODELS, default_backend=settings.STUDIO_GENERATOR)
    except ValueError as error:
        return [Error(str(error), id="studio.E006")]
    limit = settings.STUDIO_GENERATION["time_limit"]
    return [Warning(f"STUDIO_MODELS {e.name!r}: timeout {e.timeout:g} s is not under the job time limit "
                    f"({limit} s), so a model that stops answering is cut off by the time limit, not by its "
                    "own clear failure.", id="studio.W006")
            for e in entries if e.timeout and e.timeout >= limit]
