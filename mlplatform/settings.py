"""Settings, read from the environment (DESIGN section 7). One module; no per-env files.

A ``.env`` file in the project root is read when present; real environment variables win.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

from mlplatform.errors import error_codes_markdown

BASE_DIR = Path(__file__).resolve().parent.parent
# ENV_FILE points elsewhere (tests, containers); the real environment always wins.
load_dotenv(os.environ.get("ENV_FILE") or BASE_DIR / ".env", override=False)

#: The example key in .env.example; production refuses to start with it.
DEFAULT_ADMIN_API_KEY = "change-me-admin-key"
_DEV_SECRET_KEY = "dev-insecure-secret-key-do-not-use-in-production"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be >= {minimum}, got {value}")
    return value


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default).lower() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


# --- Environment -------------------------------------------------------------------------
ENV = env_choice("ENV", "development", ("development", "staging", "production"))
APP_ENV = env_str("APP_ENV", ENV)
IS_PRODUCTION = ENV == "production"
DEBUG = env_bool("DEBUG", False)
SERVICE_NAME = "ml-engine-platform"
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()

#: Only development has secret defaults; staging and production must be given real ones.
IS_DEPLOYED = ENV in {"staging", "production"}
SECRET_KEY = env_str("SECRET_KEY") or ("" if IS_DEPLOYED else _DEV_SECRET_KEY)
ADMIN_API_KEY = env_str("ADMIN_API_KEY", "" if IS_DEPLOYED else DEFAULT_ADMIN_API_KEY)

if IS_DEPLOYED:
    if not SECRET_KEY:
        raise ImproperlyConfigured(f"ENV={ENV}: SECRET_KEY is not set; refusing to start.")
    if SECRET_KEY == _DEV_SECRET_KEY:
        raise ImproperlyConfigured(
            f"ENV={ENV}: SECRET_KEY is the development default; refusing to start."
        )
    if not ADMIN_API_KEY or ADMIN_API_KEY == DEFAULT_ADMIN_API_KEY:
        raise ImproperlyConfigured(
            f"ENV={ENV}: ADMIN_API_KEY is unset or the example default; refusing to start."
        )
if IS_PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("ENV=production: DEBUG is on; refusing to start.")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "" if IS_PRODUCTION else "localhost,127.0.0.1,[::1],testserver"
)
PORT = env_int("PORT", 8000, minimum=1)

# --- Apps --------------------------------------------------------------------------------
INSTALLED_APPS = [
    # django.contrib.admin with our site: its sign-in is throttled and audited like /auth/login
    "mlplatform.apps.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "knox",  # hashed, expiring operator tokens
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "mlplatform.apps.PlatformConfig",
    "audit",
    "registry",
    "predictions",
    "monitoring",
    "traffic",
]

MIDDLEWARE = [
    "mlplatform.metrics.middleware.MetricsMiddleware",
    "mlplatform.api.middleware.RequestIdMiddleware",
    "registry.middleware.StartupReconcileMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "traffic.middleware.RequestCounterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "mlplatform.urls"
WSGI_APPLICATION = "mlplatform.wsgi.application"
ASGI_APPLICATION = "mlplatform.asgi.application"
API_PREFIX = "/" + env_str("API_PREFIX", "/api/v1").strip("/")

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

# --- Database ----------------------------------------------------------------------------
DATA_DIR = BASE_DIR / "var"
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'db.sqlite3'}"
# Health checks test a reused connection at the first query of each request, so a database
# restart costs no failed request (on PostgreSQL a socket poll, falling back to a SELECT 1 round
# trip when the server has written something); DATABASE_HEALTH_CHECKS=false skips them.
_db = dj_database_url.parse(
    DATABASE_URL,
    conn_max_age=60,
    conn_health_checks=env_bool("DATABASE_HEALTH_CHECKS", True),
)
# Our backends subclass Django's (mlplatform/db): SQLite checkpoints its WAL on a thread of its
# own, PostgreSQL's health check polls the socket before it pays for a SELECT 1.
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["ENGINE"] = "mlplatform.db.sqlite3"
    # WAL lets the web process read while the worker writes; IMMEDIATE avoids upgrade deadlocks.
    # Connections persist: closing the last one checkpoints and deletes the WAL (file syncs on
    # every request, measured 3-20 ms per /predict); a kept connection commits by appending.
    _db["CONN_MAX_AGE"] = 600
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True) if _db["NAME"] else None
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db["ENGINE"] = "mlplatform.db.postgresql"
    _db.setdefault("OPTIONS", {})["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 5)
    # Django leaves psycopg's prepare_threshold at None (nothing is ever prepared, for the sake
    # of connection poolers); its own cursors bind client-side and never prepare anyway, so a
    # threshold only lets mlplatform.db.postgresql's PreparingCursor prepare the hot INSERT.
    # false: for a PgBouncer older than 1.21 in transaction mode.
    _db["OPTIONS"]["prepare_threshold"] = (
        5 if env_bool("DATABASE_PREPARED_STATEMENTS", True) else None
    )
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -------------------------------------------------------------------------------
CACHE_URL = env_str("CACHE_URL") or env_str("REDIS_URL") or "locmem://"
_cache_scheme = urlparse(CACHE_URL).scheme
if _cache_scheme in {"redis", "rediss"}:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "mlp",
        }
    }
elif _cache_scheme == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(f"CACHE_URL must be redis://... or locmem://, got {CACHE_URL!r}")

# --- Auth, sessions, security ------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
#: Who is an operator (one definition: mlplatform.api.auth.is_operator): an active superuser
#: or an active member of this group. Staff status alone only opens the read-only admin.
OPERATORS_GROUP = "operators"
#: Operator tokens (django-rest-knox: only a SHA-512 digest is stored) expire after this long;
#: a password change and /auth/logout revoke every token of the user.
OPERATOR_TOKEN_TTL_HOURS = env_int("OPERATOR_TOKEN_TTL_HOURS", 12, minimum=1)
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=OPERATOR_TOKEN_TTL_HOURS),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
#: Denied control-plane requests and refused sign-ins: one AuditEvent per client, action and
#: window, with the window's count kept beside it (audit.DeniedAttemptWindow).
DENIED_AUDIT_WINDOW_SECONDS = env_int("DENIED_AUDIT_WINDOW_SECONDS", 60, minimum=1)
CORS_ALLOW_ORIGINS = env_list(
    "CORS_ALLOW_ORIGINS", "" if IS_PRODUCTION else "http://localhost:3000,http://127.0.0.1:3000"
)
CORS_ALLOW_ALL_ORIGINS = CORS_ALLOW_ORIGINS == ["*"]
CORS_ALLOWED_ORIGINS = [] if CORS_ALLOW_ALL_ORIGINS else CORS_ALLOW_ORIGINS
CORS_ALLOW_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "x-api-key",
    "x-request-id",
)
CORS_EXPOSE_HEADERS = ("x-request-id", "retry-after")
CSRF_TRUSTED_ORIGINS = [o for o in CORS_ALLOWED_ORIGINS if o.startswith("http")]

#: Proxies in front of us that append to X-Forwarded-For (Cloud Run: 1). 0 = use REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if IS_PRODUCTION else 0, minimum=0)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_REQUEST_BODY_BYTES", 256 * 1024, minimum=1024)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if IS_PRODUCTION:
    # Cloud Run terminates TLS and forwards the scheme.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^health$", r"^ready$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- I18N / static -----------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every start when it is absent
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files need collectstatic (the Dockerfile and `make run` do it);
    # tests and a bare checkout serve straight from the app folders instead.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", IS_PRODUCTION)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not IS_PRODUCTION

# --- DRF / OpenAPI -----------------------------------------------------------------------
RATE_LIMIT_REQUESTS = env_int("RATE_LIMIT_REQUESTS", 120, minimum=1)
RATE_LIMIT_WINDOW_SECONDS = env_int("RATE_LIMIT_WINDOW_SECONDS", 60, minimum=1)
LOGIN_RATE_LIMIT_REQUESTS = env_int("LOGIN_RATE_LIMIT_REQUESTS", 10, minimum=1)
LOGIN_RATE_LIMIT_WINDOW_SECONDS = env_int("LOGIN_RATE_LIMIT_WINDOW_SECONDS", 60, minimum=1)
#: /predict/batch costs its number of symbols against this budget per client and window.
BATCH_RATE_LIMIT_SYMBOLS = env_int("BATCH_RATE_LIMIT_SYMBOLS", 2000, minimum=1)
#: Request bodies: JSON nested deeper than this is a 400 (size: MAX_REQUEST_BODY_BYTES, 413).
MAX_JSON_DEPTH = env_int("MAX_JSON_DEPTH", 32, minimum=2)

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["mlplatform.api.parsers.BoundedJSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "mlplatform.api.auth.ApiKeyAuthentication",
        "mlplatform.api.auth.BearerTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": [],
    "EXCEPTION_HANDLER": "mlplatform.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "mlplatform.api.schema.ApiAutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ML Engine Platform API",
    "DESCRIPTION": (
        "Training, registry, serving and monitoring of market-data models.\n\n"
        "Every error is answered in one envelope, `{status, error, details, code, timestamp, "
        "request_id}`; these are all the `error` values and their HTTP status "
        "(`mlplatform.errors.ERROR_CODES`):\n\n" + error_codes_markdown()
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["mlplatform.api.schema.only_prefixed_endpoints"],
    # drift snapshots and outcomes both have a "source" with their own choices
    "ENUM_NAME_OVERRIDES": {
        "OutcomeSourceEnum": "monitoring.models.Outcome.Source",
        # one name per registry choice set (the dashboard's generated types use them)
        "ArtifactStatusEnum": "registry.serializers.ARTIFACT_STATUSES",
        "ModelStatusEnum": "registry.serializers.MODEL_STATUSES",
        "TrainPolicyEnum": "registry.serializers.TRAIN_POLICIES",
        "ModelSourceEnum": "registry.serializers.MODEL_SOURCES",
        "OkStatusEnum": "registry.serializers.OK_STATUS",
        "ExchangeEnum": "mlplatform.core.symbols.EXCHANGES",
        "DriftStatusEnum": "monitoring.drift_schema.DRIFT_STATUSES",
    },
}

# --- Background tasks --------------------------------------------------------------------
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# --- Market data -------------------------------------------------------------------------
MARKET_DATA_SOURCE = env_str("MARKET_DATA_SOURCE").lower() or None
if MARKET_DATA_SOURCE not in {None, "http", "csv", "synthetic"}:
    raise ImproperlyConfigured(
        f"MARKET_DATA_SOURCE must be http, csv or synthetic, got {MARKET_DATA_SOURCE!r}"
    )
MARKET_DATA_BASE_URL = env_str("MARKET_DATA_BASE_URL") or None
MARKET_DATA_DIR = BASE_DIR / (env_str("MARKET_DATA_DIR") or "data/demo")  # absolute stays
MARKET_DATA_TIMEOUT_SECONDS = env_float("MARKET_DATA_TIMEOUT_SECONDS", 5.0)
MARKET_DATA_RETRY_ATTEMPTS = env_int("MARKET_DATA_RETRY_ATTEMPTS", 3, minimum=1)
MARKET_DATA_CACHE_SECONDS = env_int("MARKET_DATA_CACHE_SECONDS", 60, minimum=0)
#: An unknown symbol or an upstream failure is remembered this long, so a repeat (one symbol
#: or a batch of them) does not call the upstream again.
MARKET_DATA_NEGATIVE_CACHE_SECONDS = env_int("MARKET_DATA_NEGATIVE_CACHE_SECONDS", 15, minimum=0)
MARKET_DATA_EXCHANGE = env_str("MARKET_DATA_EXCHANGE", "NASDAQ").upper()
MAX_LOOKBACK = env_int("MAX_LOOKBACK", 100, minimum=1)

# --- Registry and training ---------------------------------------------------------------
MODEL_REGISTRY_DIR = env_str("MODEL_REGISTRY_DIR") or "artifacts/models"
if "://" not in MODEL_REGISTRY_DIR:  # a relative folder is relative to the project, not the CWD
    MODEL_REGISTRY_DIR = str(BASE_DIR / MODEL_REGISTRY_DIR)
TRAIN_SYMBOLS = env_list("TRAIN_SYMBOLS", "AAPL,MSFT,GOOGL,AMZN,NVDA")
TRAIN_LOOKBACK = env_int("TRAIN_LOOKBACK", 2520, minimum=60)
TRAIN_HORIZON_DAYS = env_int("TRAIN_HORIZON_DAYS", 5, minimum=1)
TRAIN_TEST_SIZE = env_float("TRAIN_TEST_SIZE", 0.2)
TRAIN_CV_FOLDS = env_int("TRAIN_CV_FOLDS", 5, minimum=2)
TRAIN_RIDGE_ALPHA = env_float("TRAIN_RIDGE_ALPHA", 1.0)
TRAIN_ACTIVATION_POLICY = env_choice(
    "TRAIN_ACTIVATION_POLICY", "if_better", ("if_better", "always", "never")
)

# --- Serving and monitoring --------------------------------------------------------------
STALE_INPUT_POLICY = env_choice("STALE_INPUT_POLICY", "degrade", ("degrade", "reject"))
MAX_BATCH_SYMBOLS = env_int("MAX_BATCH_SYMBOLS", 500, minimum=1)
DRIFT_THRESHOLD = env_float("DRIFT_THRESHOLD", 0.05)
DRIFT_SHARE = env_float("DRIFT_SHARE", 0.5)
DRIFT_WINDOW = env_int("DRIFT_WINDOW", 500, minimum=1)
DRIFT_MIN_SAMPLES = env_int("DRIFT_MIN_SAMPLES", 30, minimum=1)
#: At most this share of the served drift window may come from one client address.
DRIFT_CLIENT_MAX_SHARE = env_float("DRIFT_CLIENT_MAX_SHARE", 0.5)
LATENCY_WINDOW = env_int("LATENCY_WINDOW", 1000, minimum=1)
# Request/error counts per route and status (GET /monitoring/requests): counted in memory,
# persisted per minute every REQUEST_STATS_FLUSH_SECONDS, kept REQUEST_STATS_RETENTION_HOURS.
REQUEST_STATS_ENABLED = env_bool("REQUEST_STATS_ENABLED", True)
REQUEST_STATS_FLUSH_SECONDS = env_float("REQUEST_STATS_FLUSH_SECONDS", 5.0)
REQUEST_STATS_RETENTION_HOURS = env_int("REQUEST_STATS_RETENTION_HOURS", 48, minimum=1)
REQUEST_STATS_MAX_KEYS = env_int("REQUEST_STATS_MAX_KEYS", 5000, minimum=1)
# PostgreSQL only: wait for the disk flush when committing a prediction log (see README).
PREDICTION_LOG_SYNCHRONOUS_COMMIT = env_bool("PREDICTION_LOG_SYNCHRONOUS_COMMIT", False)
#: /monitoring/freshness turns "stale" past these ages (latest candle per symbol; newest model).
FRESHNESS_MAX_CANDLE_AGE_HOURS = env_float("FRESHNESS_MAX_CANDLE_AGE_HOURS", 96.0)
FRESHNESS_MAX_MODEL_AGE_DAYS = env_float("FRESHNESS_MAX_MODEL_AGE_DAYS", 30.0)
#: The worker scores matured predictions this often (monitoring.tasks.outcome_scoring_task).
OUTCOME_SCORING_INTERVAL_SECONDS = env_int("OUTCOME_SCORING_INTERVAL_SECONDS", 3600, minimum=0)

# --- Processes: gunicorn, the worker, schedules, metrics ---------------------------------
# Read by mlplatform/gunicorn_conf.py (every launcher starts gunicorn with it). Cloud Run gives
# an instance about 10 s between SIGTERM and SIGKILL: in-flight requests get
# GUNICORN_GRACEFUL_TIMEOUT of that, the worker WORKER_SHUTDOWN_TIMEOUT (docs/cloud-run.md).
WEB_CONCURRENCY = env_int("WEB_CONCURRENCY", 2, minimum=1)
GUNICORN_THREADS = env_int("GUNICORN_THREADS", 4, minimum=1)
GUNICORN_TIMEOUT = env_int("GUNICORN_TIMEOUT", 120, minimum=1)
GUNICORN_GRACEFUL_TIMEOUT = env_int("GUNICORN_GRACEFUL_TIMEOUT", 8, minimum=1)
GUNICORN_ACCESS_LOG = env_bool("GUNICORN_ACCESS_LOG", True)
WORKER_SHUTDOWN_TIMEOUT = env_int("WORKER_SHUTDOWN_TIMEOUT", 8, minimum=1)
#: Periodic tasks the worker enqueues (0 = off): see registry/schedules.py.
RETRAIN_INTERVAL_SECONDS = env_int("RETRAIN_INTERVAL_SECONDS", 0, minimum=0)
MARKET_DRIFT_INTERVAL_SECONDS = env_int("MARKET_DRIFT_INTERVAL_SECONDS", 0, minimum=0)
MARKET_DRIFT_DAYS = env_int("MARKET_DRIFT_DAYS", 30, minimum=1)
#: GET /metrics (Prometheus text). METRICS_TOKEN set: a bearer token (or X-API-Key) is needed.
METRICS_ENABLED = env_bool("METRICS_ENABLED", True)
METRICS_TOKEN = env_str("METRICS_TOKEN")
#: Cloud Logging links log lines to traces of this project (Cloud Run sets no such variable).
GOOGLE_CLOUD_PROJECT = env_str("GOOGLE_CLOUD_PROJECT")
#: Bytes of market data (candles and derived rows) each process keeps in its snapshot cache.
MARKET_DATA_CACHE_MAX_BYTES = env_int("MARKET_DATA_CACHE_MAX_BYTES", 64 * 1024 * 1024, minimum=0)

# --- Logging -----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "mlplatform.api.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "mlplatform.api.logging.JsonFormatter"}},
    "handlers": {
        "null": {"class": "logging.NullHandler"},
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {"level": "WARNING"},
        # Our exception handler logs failures with the request id; avoid a second copy.
        "django.request": {"level": "ERROR", "propagate": False, "handlers": ["null"]},
    },
}
