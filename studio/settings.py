"""Studio settings, read from the environment (django-environ).

With no environment at all the embedded default runs: SQLite in WAL mode, the
in-memory channel layer and generation in-process. Setting DATABASE_URL and
REDIS_URL switches to the production path (PostgreSQL, channels-redis, Celery)
without touching code.
"""
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

# GENERAL
# ------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", True)
# A fixed key is only acceptable for the embedded single-machine default; the
# deploy check (studio.checks) refuses it when DEBUG is off.
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"
SECRET_KEY = env.str("SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
VAR_DIR = Path(env.str("STUDIO_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "studio",
    "composer_ui",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "studio.urls"
ASGI_APPLICATION = "studio.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# DATABASES
# ------------------------------------------------------------------------------
# SQLite in WAL mode with IMMEDIATE transactions: writers serialise at BEGIN,
# so the per-piece sequencer needs no SELECT ... FOR UPDATE (which SQLite lacks).
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'studio.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
# Keep connections open: a Channels process runs all its ORM work on one thread, and
# reconnecting per message (then checkpointing the SQLite WAL on close) was most of an edit's cost.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", 600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# CHANNELS AND CACHES
# ------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # channels-redis blocks in BZPOPMIN for 5 s at a time; redis-py 8 reads with a 5 s socket
            # timeout by default, so every idle receive raised TimeoutError and killed the connection.
            # Reads wait longer than a blocking pop; connecting still fails fast.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 15, "socket_connect_timeout": 5}],
                       "capacity": 1000, "expiry": 30, "group_expiry": 3600},
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 1000}}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# AUTH
# ------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# I18N AND STATIC
# ------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STUDIO_SERVE_STATIC = env.bool("STUDIO_SERVE_STATIC", True)

# SECURITY (production values switch on with DEBUG off)
# ------------------------------------------------------------------------------
SECURE_HTTPS = env.bool("SECURE_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", SECURE_HTTPS)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31536000 if SECURE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_HTTPS else None
X_FRAME_OPTIONS = "DENY"

# THE STUDIO
# ------------------------------------------------------------------------------
# Every limit a client can hit; violations get an `error` and change nothing.
STUDIO_LIMITS = {
    "message_bytes": env.int("STUDIO_MAX_MESSAGE_BYTES", 64 * 1024),
    "ops_per_message": 500,
    "notes_per_piece": 20_000,
    "tracks_per_piece": 32,
    "bars_per_piece": 1_000,
    "chords_per_piece": 5_000,
    "cues_per_piece": 1_000,
    "pieces_per_user": env.int("STUDIO_MAX_PIECES_PER_USER", 200),
    "ops_per_second": 30,  # sustained per connection, with a burst of twice that
    "presence_per_second": 10,
    "sync_events_max": 1_000,  # beyond this a fresh welcome is cheaper than the tail
    # A connection whose unsent bytes pass this is closed with 4008 and resyncs (composer_ui/backpressure.py).
    "send_backlog_bytes": env.int("STUDIO_SEND_BACKLOG_BYTES", 1024 * 1024),
}
STUDIO_SNAPSHOT_EVERY = env.int("STUDIO_SNAPSHOT_EVERY", 200)
# A piece's video (docs/picture.md): stored as uploaded, outside the static tree, served to members only.
# With several web nodes this folder must be shared between them (docs/deploy.md).
STUDIO_VIDEO_DIR = Path(env.str("STUDIO_VIDEO_DIR", str(VAR_DIR / "videos")))
STUDIO_VIDEO_MAX_BYTES = env.int("STUDIO_VIDEO_MAX_BYTES", 500 * 1024 * 1024)
STUDIO_PRESENCE_TTL_SECONDS = 120
# Who arrived and left goes to a room as one `present` notice `delay` after the first change, then at
# most one every `gap` seconds (composer_ui/arrivals.py): a reconnect storm is not 25,000 notices.
STUDIO_PRESENCE_NOTICES = {"delay_seconds": 0.2, "gap_seconds": 1.0}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "WARNING")},
}

# CELERY (generation jobs; the broker is Redis when REDIS_URL is set)
# ------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
# Without REDIS_URL no broker runs: composer_ui.jobs runs the same job function in-process.
STUDIO_USE_CELERY = env.bool("STUDIO_USE_CELERY", bool(REDIS_URL))

# GENERATION
# ------------------------------------------------------------------------------
STUDIO_GENERATOR = env.str("STUDIO_GENERATOR", "engine.neural.NeuralGenerator")
# Several models (composer_ui/model_registry.py, docs/deploy.md): a JSON list of {name, backend, url, token or
# token_env, timeout, options, max_active}, or the path of a JSON file holding one. Empty: one model,
# STUDIO_GENERATOR, as before.
STUDIO_MODELS = env.str("STUDIO_MODELS", "")
STUDIO_GENERATION = {
    "time_limit": env.int("STUDIO_GENERATION_TIME_LIMIT", 60),  # seconds a job may run
    "max_attempts": 3,  # deliveries of one job before it fails for good
    "per_user_active": 2,  # queued or running jobs one person may have
    "per_room_active": 3,  # ... one piece may have
    "queue_max": env.int("STUDIO_GENERATION_QUEUE_MAX", 20),  # queued jobs in the whole studio
    "per_model_active": env.int("STUDIO_MODEL_MAX_ACTIVE", 8),  # ... one model may have (its max_active wins)
    "sweep_every": env.float("STUDIO_SWEEP_EVERY", 15),  # seconds between sweeps for expired leases
    "sweep_in_process": env.bool("STUDIO_SWEEP_IN_PROCESS", True),  # the embedded pool sweeps itself
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = STUDIO_GENERATION["time_limit"] + 10
CELERY_TASK_SOFT_TIME_LIMIT = STUDIO_GENERATION["time_limit"]
# Redis re-delivers unacknowledged tasks after the visibility timeout: keep it at least
# twice the time limit so a slow job is never run twice at once (studio.checks enforces it).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 4 * CELERY_TASK_TIME_LIMIT}
CELERY_TASK_DEFAULT_QUEUE = "generation"
CELERY_BEAT_SCHEDULE = {"sweep-generation-jobs": {"task": "composer_ui.tasks.jobs_sweep_task",
                                                  "schedule": float(STUDIO_GENERATION["sweep_every"])}}
