"""Settings shared by every environment. Values come from the environment (django-environ)."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF

from config.error_tracking import error_tracking_init
from config.structured_logging import configure_structlog, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"
# The embedded default keeps its database and media here; it must exist before first use.
VAR_DIR.mkdir(exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-development-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_structlog",
    "django_prometheus",
    "clinics",
    "patients",
    "episodes",
    "assessments",
    "workups",
    "dashboard",
    "interop",
]

MIDDLEWARE = [
    # Counts every request, including those a later middleware answers (config.metrics).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Binds a request id (and the user id) to every log line of the request; JSON lines.
    "config.structured_logging.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # On the way out, last: no cache keeps a response made for a signed-in person.
    "clinics.middleware.NoStoreForSignedInMiddleware",
    # A lost database connection in a view is a 503 with Retry-After (config.health).
    "config.health.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Accept-Language first; AccountLanguageMiddleware then applies a signed-in account's own.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "clinics.middleware.ClinicTimeZoneMiddleware",
    "clinics.middleware.AccountLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Idle staff sessions end before anything else looks at the user.
    "clinics.middleware.StaffIdleTimeoutMiddleware",
    "clinics.middleware.StaffSecondFactorMiddleware",
    # The Django admin is a 404 for everyone but superusers.
    "clinics.middleware.SuperuserOnlyAdminMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After authentication: writes an audit row when a signed-in person is refused an object.
    "clinics.middleware.DeniedAccessAuditMiddleware",
    # Last, so it sees the lockout flag the authentication backend set on the request.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "clinics.context_processors.navigation",
            ],
        },
    },
]

# SQLite under var/ unless DATABASE_URL names a real server.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT compilation: the planner's cost for the dashboard's correlated subqueries crosses
    # jit_above_cost, and compiling took ~40 ms of a 70 ms query that runs in 15 ms without it
    # (docs/scaling.md). Short OLTP queries never gain from it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"


def postgres_prepared_statements(database: dict) -> None:
    """Server-side binding with prepared statements (psycopg 3): a statement run twice on a
    connection is parsed and planned once. The episode list's page query spent 1.3 ms planning
    and 0.24 ms executing (docs/scaling.md). DJANGO_DB_PREPARE_THRESHOLD=off turns it off
    (needed behind a connection pooler in transaction mode)."""
    threshold = env("DJANGO_DB_PREPARE_THRESHOLD", default="1")
    if database["ENGINE"] != "django.db.backends.postgresql" or threshold == "off":
        return
    database.setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": int(threshold)}
    )


postgres_prepared_statements(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "clinics.User"
AUTHENTICATION_BACKENDS = [
    # Refuses locked-out email+address pairs before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions: staff are signed out after 30 idle minutes (clinics.middleware); caregivers keep
# theirs on their own phone for two weeks.
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = env.int("CAREGIVER_SESSION_DAYS", default=14) * 24 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Second factor for staff (django-otp): TOTP plus single-use recovery codes.
OTP_TOTP_ISSUER = "Tremor Clinic"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
RECOVERY_CODE_COUNT = 10

# Lockout (django-axes): 5 failures for one email from one address lock both the sign-in page
# and the token endpoint for the cool-off time; a success clears the count.
AXES_ENABLED = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "email"
AXES_USERNAME_CALLABLE = "clinics.lockout.lockout_email"
AXES_CLIENT_IP_CALLABLE = "clinics.lockout.lockout_client_address"
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "clinics/locked_out.html"
AXES_COOLOFF_MESSAGE = (
    "Too many failed sign-in attempts for this account. Try again in 15 minutes, "
    "or ask your clinic administrator."
)
# How many proxies in front of the app append to X-Forwarded-For (0: use the socket address).
# Lockout and rate limits key on the address this yields; a spoofable header would bypass them.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)

# Refusals (404/403 on an object a signed-in person named) written to the audit trail per person
# and minute; the rest are counted (clinics.models.DeniedAccessTally).
AUDIT_DENIED_ROWS_PER_MINUTE = env.int("AUDIT_DENIED_ROWS_PER_MINUTE", default=10)

# Headers. The CSP allows only this origin: no inline script anywhere (static/ holds every file).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "media-src": [SELF, "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

LANGUAGE_CODE = "en-us"
# The languages caregivers can read (locale/; `make messages`, checked by `make lint`). Staff pages
# are English for now.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside production the finders serve static files straight from the apps (no collectstatic).
WHITENOISE_USE_FINDERS = True
# Media (originals, renditions, posters): a local folder by default (make demo), or an
# S3-compatible bucket (AWS S3, MinIO, Ceph...) when MEDIA_BUCKET is set, so any number of web and
# worker machines share it. Either way media is served only through the authorised views.
MEDIA_BUCKET = env("MEDIA_BUCKET", default="")


def object_storage(bucket: str, **overrides) -> dict:
    """The STORAGES entry for media in a bucket (django-storages' S3 backend)."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env("MEDIA_S3_ENDPOINT_URL", default="") or None,
            "region_name": env("MEDIA_S3_REGION", default="") or None,
            # Empty: boto3 finds credentials itself (an instance role, AWS_* variables).
            "access_key": env("MEDIA_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("MEDIA_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env("MEDIA_S3_PREFIX", default="media"),
            # MinIO and most self-hosted servers want path-style URLs.
            "addressing_style": env("MEDIA_S3_ADDRESSING_STYLE", default="path"),
            "signature_version": "s3v4",
            # Names are generated per video and never reused; an existing key is never replaced.
            "file_overwrite": False,
            # Objects stay private (no ACL); nothing is ever served from a bucket URL.
            "default_acl": None,
            "querystring_auth": True,
            # Reading an original for processing spills to a temporary file past 8 MiB, instead
            # of holding a 1 GiB video in memory.
            "max_memory_size": 8 * 1024 * 1024,
            **overrides,
        },
    }


STORAGES = {
    "default": (
        object_storage(MEDIA_BUCKET)
        if MEDIA_BUCKET
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": env("MEDIA_ROOT", default=str(VAR_DIR / "media"))},
        }
    ),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Media is never served from a public URL; only authorised views stream it.
MEDIA_URL = "/media-not-public/"

# Uploads never sit in memory: anything above 64 KiB streams to a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
# Form and JSON bodies (not files) above this are refused: 413 on the API, 400 on pages.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.TemporaryFileUploadHandler"]
VIDEO_MAX_UPLOAD_BYTES = env.int("VIDEO_MAX_UPLOAD_BYTES", default=1024**3)
# Resumable uploads not yet complete hold disk space: at most this many per person, and at most
# this many announced bytes per clinic (docs/security.md).
VIDEO_OPEN_UPLOADS_PER_USER = env.int("VIDEO_OPEN_UPLOADS_PER_USER", default=3)
VIDEO_OPEN_UPLOAD_BYTES_PER_CLINIC = env.int(
    "VIDEO_OPEN_UPLOAD_BYTES_PER_CLINIC", default=8 * 1024**3
)
# The largest video the clinic processes (episodes.transcoding.Limits): refused at upload when its
# headers declare more, and stopped while decoding when its pictures show more.
VIDEO_MAX_LONG_EDGE = env.int("VIDEO_MAX_LONG_EDGE", default=4096)
VIDEO_MAX_SHORT_EDGE = env.int("VIDEO_MAX_SHORT_EDGE", default=2160)
VIDEO_MAX_SECONDS = env.int("VIDEO_MAX_SECONDS", default=10 * 60)
VIDEO_MAX_FRAMES = env.int("VIDEO_MAX_FRAMES", default=36_000)
# Caregivers' files are only ever opened in a child process under these limits
# (episodes.sandbox.run_limited). The upload request reads the headers only; processing decodes
# (CPU time counts every thread, so it may exceed the wall time; the wall time stays under the
# processing lease so no second worker takes a video over while the first still works on it).
VIDEO_INSPECT_LIMITS = {
    "cpu_seconds": env.int("VIDEO_INSPECT_CPU_SECONDS", default=5),
    "wall_seconds": env.int("VIDEO_INSPECT_WALL_SECONDS", default=10),
    "memory_bytes": env.int("VIDEO_INSPECT_MEMORY_BYTES", default=1024**3),
}
VIDEO_PROCESS_LIMITS = {
    "cpu_seconds": env.int("VIDEO_PROCESS_CPU_SECONDS", default=20 * 60),
    "wall_seconds": env.int("VIDEO_PROCESS_WALL_SECONDS", default=14 * 60),
    "memory_bytes": env.int("VIDEO_PROCESS_MEMORY_BYTES", default=3 * 1024**3),
}
# With no broker (the demo) tasks run in-process: video processing then runs on a background
# thread that waits for the sandbox, so the upload request does not wait for the decoding.
VIDEO_PROCESS_IN_BACKGROUND_WITHOUT_BROKER = env.bool(
    "VIDEO_PROCESS_IN_BACKGROUND_WITHOUT_BROKER", default=True
)
# Resumable (tus) uploads in progress. Every web process that may receive the next chunk of an
# upload must see this folder: with more than one web machine it is a shared mount (NFS, EFS,
# a shared volume); docker-compose.yml gives every service the same volume. On the media disk by
# default, so a finished upload moves into place instead of being copied.
VIDEO_UPLOAD_PARTIAL_DIR = env(
    "VIDEO_UPLOAD_PARTIAL_DIR", default=str(Path(MEDIA_ROOT).parent / "uploads-partial")
)
# A worker holds a video this long; after that the sweep hands it to another worker.
VIDEO_PROCESSING_LEASE_SECONDS = env.int("VIDEO_PROCESSING_LEASE_SECONDS", default=15 * 60)
VIDEO_PROCESSING_MAX_ATTEMPTS = env.int("VIDEO_PROCESSING_MAX_ATTEMPTS", default=5)
# An uploaded video not picked up within this time is queued again by the sweep.
VIDEO_SWEEP_GRACE_SECONDS = env.int("VIDEO_SWEEP_GRACE_SECONDS", default=2 * 60)

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
SMS_BACKEND = env("SMS_BACKEND", default="clinics.sms.ConsoleSmsBackend")
# Absolute links in emails and text messages.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env(
    "DJANGO_DEFAULT_FROM_EMAIL", default="Tremor Clinic <no-reply@tremor.example>"
)

# Celery: with no broker the tasks run in-process, so the demo needs no services.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")

# The cache holds rate-limit counters, so every process must share it: Redis when there is one.
REDIS_URL = env(
    "REDIS_URL", default=CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else ""
)
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tremor",
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": "tremor"}
    ),
}
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# An unacknowledged message (its worker died) is delivered again after this many seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
CELERY_BEAT_SCHEDULE: dict = {
    "purge-stale-api-tokens": {"task": "clinics.api_tokens_purge", "schedule": 60 * 60 * 24},
    "assessments-sweep": {"task": "assessments.sweep", "schedule": 60},
    "deliver-pending-notifications": {
        "task": "clinics.notifications_sweep",
        "schedule": 60 * 5,
    },
    # Lost messages and dead workers delay video processing; this sweep makes sure it happens.
    "sweep-unprocessed-videos": {"task": "episodes.videos_sweep", "schedule": 5 * 60},
    "purge-abandoned-uploads": {"task": "episodes.upload_partials_purge", "schedule": 60 * 60},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "clinics.authentication.ApiTokenAuthentication",
        "clinics.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON nested deeper than 64 levels is a 400 (config.api_parsers).
    "DEFAULT_PARSER_CLASSES": [
        "config.api_parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "config.schema.ApiSchema",
    "EXCEPTION_HANDLER": "config.api_errors.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "clinics.pagination.LastPageCountsItselfPagination",
    "PAGE_SIZE": 50,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    # Portal write APIs set throttle_classes from clinics.throttles (docs/security.md).
    "DEFAULT_THROTTLE_RATES": {
        "auth": env("THROTTLE_AUTH", default="10/min"),
        "caregiver_writes": env("THROTTLE_CAREGIVER_WRITES", default="60/hour"),
        "uploads": env("THROTTLE_UPLOADS", default="20/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tremor Clinic API",
    "DESCRIPTION": "Infants, caregiver episode logs and videos, assessments, work-ups, referrals.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One vocabulary answers several episode questions; name it once in the schema.
    "ENUM_NAME_OVERRIDES": {
        "YesNoUnknownEnum": "episodes.models.YesNoUnknown",
        "MovementTypeEnum": "episodes.models.MovementType",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.schema.fhir_operation_paths",
    ],
}

API_TOKEN_LIFETIME_HOURS = env.int("API_TOKEN_LIFETIME_HOURS", default=24 * 30)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# JSON lines with a request id on every line, no personal data (config.structured_logging).
LOG_JSON = env("DJANGO_LOG_FORMAT", default="json") == "json"
LOGGING = logging_config(level=env("DJANGO_LOG_LEVEL", default="INFO"), json=LOG_JSON)
configure_structlog()
# Celery tasks carry the enqueuing request's id and log their start, success and failure.
DJANGO_STRUCTLOG_CELERY_ENABLED = True
# The clinic's own proxy sets X-Request-ID only when DJANGO_TRUST_REQUEST_ID says so.
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = env.bool("DJANGO_TRUST_REQUEST_ID", default=False)

# Error tracking, off unless SENTRY_DSN is set; events are scrubbed of personal data
# (config.error_tracking).
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    error_tracking_init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SENTRY_RELEASE", default=""),
        traces=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# GET /metrics (config.metrics): a bearer token, or the scraper's network (CIDRs).
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=[])

# Work-ups. Hours until an order is due, by priority.
WORKUP_ORDER_DUE_HOURS = {"stat": 1, "urgent": 24, "routine": 24 * 7}
# A critical result must be acknowledged within this many minutes, or it escalates (and again
# after as many minutes more).
CRITICAL_ALERT_ACK_MINUTES = env.int("CRITICAL_ALERT_ACK_MINUTES", default=30)
# A stat follow-up (call the family of an infant sent to the emergency department) left undone
# this long is put in front of the pediatrician.
FOLLOW_UP_STAT_ESCALATE_MINUTES = env.int("FOLLOW_UP_STAT_ESCALATE_MINUTES", default=15)
# Deadline of a neurology referral, by urgency (emergency is never booked: it goes to the ED now).
REFERRAL_DEADLINE_HOURS = {"emergency": 0, "same_day": 24, "urgent": 24 * 7, "routine": 24 * 42}
APPOINTMENT_REMINDER_HOURS = (24, 2)
# Days after a same-day or emergency assessment with no new episode before a nurse asks for video.
FOLLOW_UP_VIDEO_AFTER_DAYS = 7
CELERY_BEAT_SCHEDULE.update(
    {
        "escalate-critical-alerts": {"task": "workups.critical_alerts_escalate", "schedule": 60},
        "escalate-stat-follow-ups": {"task": "workups.follow_ups_escalate", "schedule": 60},
        "send-appointment-reminders": {"task": "workups.appointment_reminders", "schedule": 60 * 5},
        "workup-follow-up-sweep": {"task": "workups.follow_ups_sweep", "schedule": 60 * 15},
    }
)
