"""Settings shared by every environment. Everything that differs between machines
comes from the environment: DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-insecure-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "rest_framework",
    # API tokens, hashed at rest and expiring (core.authentication); DRF's plain ones are gone.
    "knox",
    "django_filters",
    "drf_spectacular",
    # Swagger UI's files served by the project (/api/docs/ works offline, no CDN).
    "drf_spectacular_sidecar",
    "csp",
    "django_celery_beat",
    "axes",
    "core",
    "cadres",
    "discipline",
    "assessments",
    "fault_tolerance",
    "incentives",
    "notices",
]

# The core.middleware versions of Django's session, CSRF, authentication and message
# middleware are those classes, stepping aside for token-authenticated
# API calls (a program with a key has none of what they keep); browsers get them all as before.
MIDDLEWARE = [
    # /healthz first: a container's own probe is neither refused by ALLOWED_HOSTS nor
    # redirected to HTTPS (core.transport).
    "core.transport.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # After WhiteNoise, so static files keep their cache headers: every other answer to a
    # signed-in user is Cache-Control: no-store.
    "core.transport.NoStoreMiddleware",
    "core.middleware.SessionMiddleware",
    "core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.CsrfViewMiddleware",
    "core.middleware.AuthenticationMiddleware",
    # A NUL in a query string or a page's form is a 400, on SQLite as on PostgreSQL.
    "core.middleware.RejectNulMiddleware",
    "core.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Widgets render through TEMPLATES, so templates/django/forms/ may restyle them (the empty
# choice reads 请选择, not "---------").
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_from_env() -> dict:
    """DATABASE_URL, or a SQLite file in the project. SQLite is tuned so that
    concurrent requests wait for one another instead of failing: WAL, a busy
    timeout, and transactions that take the write lock when they begin."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    # Health checks: a persistent connection the database dropped (a restart, a failover) is
    # found at the next request's start and reopened, instead of failing that request.
    config = dj_database_url.parse(
        url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")), conn_health_checks=True
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return config


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    # axes' (username, address) lock, then a per-username slowdown (core.authentication).
    "core.authentication.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Django's database sessions, refusing a forged key before it reaches the database (core.sessions).
SESSION_ENGINE = "core.sessions"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Brute-force protection (core.authentication, README "Accounts and sessions").
# Five failures lock a username *from one address* for an hour: by the pair, so that nobody can
# keep an account (the administrator's included) locked from elsewhere, and a county office
# behind one NAT address is not locked out as a whole.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# 429 with Retry-After: JSON under /api/, the Chinese page elsewhere.
AXES_LOCKOUT_CALLABLE = "core.authentication.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True
# An attempt during the cool-off, even with the right password, neither counts nor restarts it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A guessing run spread over many addresses: once a username has this many failures within the
# cool-off (from anywhere), each further attempt waits this long after the last failure.
LOGIN_SLOWDOWN_AFTER = int(os.environ.get("LOGIN_SLOWDOWN_AFTER", "20"))
LOGIN_SLOWDOWN_SECONDS = int(os.environ.get("LOGIN_SLOWDOWN_SECONDS", "30"))

# API tokens (django-rest-knox): stored as SHA-512 digests, several per user, each revocable
# (auth/tokens/), all revoked on a password change or deactivation (core.models.User.save).
# A person's token lives a working day; an account marked as an API client (User.is_api_client)
# gets a longer one. Clients send `Authorization: Token <token>` as before (API.md).
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=int(os.environ.get("TOKEN_TTL_HOURS", "10"))),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
API_CLIENT_TOKEN_TTL = timedelta(days=int(os.environ.get("API_CLIENT_TOKEN_TTL_DAYS", "90")))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Request bodies above this answer 413 (the API) instead of being read.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(25 * 1024 * 1024)))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes anonymous requests 401, not 403.
        "core.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: the browsable API would render every related row as a <select>; /api/docs/ serves people.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's parsers, with Chinese parse errors, no 500 on deep JSON, and no NUL (core.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser", "core.parsers.FormParser", "core.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.Pagination",
    "PAGE_SIZE": 50,
    # django-filter's, for lists only, refusing an empty filter value (core.api_filters).
    "DEFAULT_FILTER_BACKENDS": ["core.api_filters.FilterBackend"],
    # drf-spectacular's, documenting every error status an operation can answer (core.schema).
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    # ISO 8601 (YYYY-MM-DD): strftime's %Y would write the year 295 as "295", not "0295".
    "DATE_FORMAT": "iso-8601",
    "DATE_INPUT_FORMATS": ["%Y-%m-%d"],
}
SPECTACULAR_SETTINGS = {
    # The schema and /api/docs/ are for signed-in users only (a token or a session).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "TITLE": "Dandang API",
    "DESCRIPTION": "担当: cadre records, assessments, fault-tolerance cases and incentives.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set that several fields share.
    "ENUM_NAME_OVERRIDES": {
        "OutcomeEnum": "fault_tolerance.models.Outcome",
        "CaseStateEnum": "fault_tolerance.models.Case.State",
        "TeamEscalationEnum": "assessments.models.TeamAssessment.Escalation",
        # assessments (annual): grades of both kinds are named "grade"; a review's two results share a set.
        "AnnualGradeEnum": "assessments.models.AnnualAssessment.Grade",
        "QuarterlyGradeEnum": "assessments.models.QuarterlyAssessment.Grade",
        "AnnualReviewResultEnum": "assessments.models.AnnualReview.Result",
        # Named "kind" and "source" elsewhere too (units, appointments, sanctions; cases).
        "AppraisalKindEnum": "assessments.models.AppraisalRound.Kind",
        "ReserveSourceEnum": "assessments.models.ReserveListEntry.Source",
        "SourceEnum": "fault_tolerance.models.Case.Source",
        # notices (issue #10): "kind" and "state" are taken by units, cases, jobs.
        "NoticeKindEnum": "notices.models.Notice.Kind",
        "NoticeStateEnum": "notices.models.Notice.State",
    },
}

# Content-Security-Policy (django-csp): the pages load only the project's own scripts
# (vendored htmx, static/js) and styles; no inline script anywhere. Inline <style> only with
# the request's nonce (the Swagger UI page). Images may be data: URIs (Swagger UI's icons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # NONCE is added only to answers whose template used request.csp_nonce.
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Celery: with REDIS_URL, Redis is the broker and real workers run tasks;
# without it every task runs eagerly in the calling process.
# A job runs once whatever the broker does (core/jobs.py): the claim fences every write, so
# these settings choose when a task is delivered again, never whether its work is done twice.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Acknowledge a message after its task ran, not when a worker takes it: a worker that dies
# before claiming the job leaves the message to be delivered again.
CELERY_TASK_ACKS_LATE = True
# ... and when the pool's child is killed (out of memory, the hard time limit) the message is
# requeued rather than acked. Its redelivery finds the job running with a fresh heartbeat and
# does nothing; once the heartbeat is stale the sweeper (or a later delivery) takes over.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One message at a time per process: a prefetched message waits behind a long job, unacked,
# and would be redelivered elsewhere when the visibility timeout ran out.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A lost broker connection (Redis restarted) does not stop the jobs running: a job's state is
# its row, not its message, so it finishes and records its result while Redis is away, and a
# redelivery of its message later is a no-op. Stated because Celery 6 turns the default to
# True (5.x warns of it at every connection loss, whatever the setting), which would kill
# every running job at a Redis blip and leave it to the sweeper.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Time limits. The soft one raises inside the handler, which fails the job with a message;
# the hard one kills the child process, for a handler stuck where no exception reaches.
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", "3600"))
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "3900"))
# Redis redelivers a message not acked within the visibility timeout. It must be longer than
# the longest job (the hard limit), or every long job would be delivered a second time.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "7200")),
}
# A request that starts a job must not hang on a broker that is down: fail fast, leave the
# job in the outbox (Job.enqueued_at null) and let the sweeper relay it.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2,
                                    "interval_max": 0.5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# django-celery-beat's DatabaseScheduler (`make beat`, the compose beat service) copies
# CELERY_BEAT_SCHEDULE into its tables when it starts, so the entries below always run;
# administrators may add others in the admin.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
JOB_SWEEP_INTERVAL_SECONDS = int(os.environ.get("JOB_SWEEP_INTERVAL_SECONDS", "60"))
NOTIFICATION_RELAY_INTERVAL_SECONDS = int(
    os.environ.get("NOTIFICATION_RELAY_INTERVAL_SECONDS", "300"))
# The task has this long (its first retries) before the relay sends a notification's email.
NOTIFICATION_RELAY_AFTER_SECONDS = int(os.environ.get("NOTIFICATION_RELAY_AFTER_SECONDS", "600"))
# Older than this, an unsent email is left unsent (the notification stays in the app).
NOTIFICATION_RELAY_WITHIN_SECONDS = int(os.environ.get("NOTIFICATION_RELAY_WITHIN_SECONDS",
                                                       str(2 * 24 * 3600)))
CELERY_BEAT_SCHEDULE = {
    "core.sweep_jobs": {
        "task": "core.tasks.sweep_jobs",
        "schedule": JOB_SWEEP_INTERVAL_SECONDS,
        # A sweep that waited longer than the interval is dropped: the next one does its work.
        "options": {"expires": JOB_SWEEP_INTERVAL_SECONDS},
    },
    # Audit entries left unchained by a process that died after its COMMIT (core.audit).
    "core.chain_pending_audit": {
        "task": "core.tasks.chain_pending_audit",
        "schedule": int(os.environ.get("AUDIT_CHAIN_PENDING_INTERVAL_SECONDS", "3600")),
        "options": {"expires": int(os.environ.get("AUDIT_CHAIN_PENDING_INTERVAL_SECONDS", "3600"))},
    },
    # Notification emails whose task never ran: the broker was down at the commit, or the
    # task gave up its retries (core.notifications.notification_email_relay).
    "core.relay_notification_emails": {
        "task": "core.tasks.relay_notification_emails",
        "schedule": NOTIFICATION_RELAY_INTERVAL_SECONDS,
        "options": {"expires": NOTIFICATION_RELAY_INTERVAL_SECONDS},
    },
    # A closed 民主测评 is sealed soon after it closes (assessments.services.appraisal).
    "assessments.seal_closed_appraisals": {
        "task": "assessments.tasks.seal_closed_appraisals",
        "schedule": int(os.environ.get("APPRAISAL_SEAL_INTERVAL_SECONDS", "900")),
        "options": {"expires": int(os.environ.get("APPRAISAL_SEAL_INTERVAL_SECONDS", "900"))},
    },
    # The incentives ledger's full tally, nightly (a job: jobs/{id}/ shows it).
    "incentives.nightly_tally": {
        "task": "incentives.tasks.nightly_tally",
        "schedule": crontab(
            hour=int(os.environ.get("DANDANG_TALLY_HOUR", "2")), minute=17),
        "options": {"expires": 3600},
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "dandang@localhost")
# Read by the SMTP backend (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# Domain settings an administrator may change per deployment.
DANDANG = {
    "ISSUING_BODY": os.environ.get("DANDANG_ISSUING_BODY", "中共某市委组织部"),
    # A running job whose heartbeat (written by progress() and job.heartbeat()) is older than
    # this lost its worker: the sweeper or a redelivery takes it over. Handlers report at least
    # this often; it must stay below the visibility timeout.
    "JOB_STALE_AFTER_SECONDS": int(os.environ.get("JOB_STALE_AFTER_SECONDS", "300")),
    # A job taken over this many times (its worker died each time) is failed, not requeued.
    "JOB_MAX_ATTEMPTS": int(os.environ.get("JOB_MAX_ATTEMPTS", "3")),
    # A job still queued this long after the broker accepted its message is sent again by the
    # sweeper: Redis may have lost the message (a crash within appendfsync's second, a new
    # container without its volume, a FLUSHALL), and the job's dedupe key would otherwise block
    # its scope for good. A job merely waiting behind others gets a duplicate message at most
    # this often, which its claim turns into a no-op.
    "JOB_RESEND_AFTER_SECONDS": int(os.environ.get("JOB_RESEND_AFTER_SECONDS", "900")),
    # Assessments (DOMAIN.md, "Assessments"). The 优秀 share of a unit's year, unless a unit or
    # its category has its own rate (assessments.ExcellenceRate, in the admin).
    "EXCELLENT_RATE": os.environ.get("DANDANG_EXCELLENT_RATE", "0.15"),
    # A unit with fewer people taking part than this has its cap counted over its parent
    # together with its siblings of the same kind (统筹).
    "EXCELLENT_POOL_BELOW": int(os.environ.get("DANDANG_EXCELLENT_POOL_BELOW", "7")),
    # Whether 优秀 needs the year's quarterly grades on record (otherwise the 好 gate applies
    # only where they are recorded).
    "EXCELLENT_NEEDS_QUARTERLY": env_bool("DANDANG_EXCELLENT_NEEDS_QUARTERLY", False),
    # How many units at the bottom of a category a team assessment escalates (末位).
    "TEAM_BOTTOM_N": int(os.environ.get("DANDANG_TEAM_BOTTOM_N", "1")),
    # The post-election evaluation's six weights (政治, 运行, 专业, 结构, 实绩, 问题), equal unless set.
    "EVALUATION_WEIGHTS": [float(w) for w in os.environ.get(
        "DANDANG_EVALUATION_WEIGHTS", "1,1,1,1,1,1").split(",")],
    # 民主测评: the score of each rating (好, 较好, 一般, 差), the weighted score being their mean
    # over the ballots; and how many requests a client IP may make to the public ballot page
    # (a room of voters behind one office NAT must get through: reading and casting are two).
    "APPRAISAL_SCORES": [int(w) for w in os.environ.get(
        "DANDANG_APPRAISAL_SCORES", "100,80,60,0").split(",")],
    "BALLOT_RATE_LIMIT": os.environ.get("DANDANG_BALLOT_RATE_LIMIT", "60/m"),
    # Notices (notices app). The address printed under each notice's QR code: the public
    # verification page is PUBLIC_URL/verify/<code>/.
    "PUBLIC_URL": os.environ.get("DANDANG_PUBLIC_URL", "http://127.0.0.1:8000"),
    # Document-number prefixes per kind (e.g. 历组通 gives 历组通〔2026〕12号), as
    # "kind=prefix,…" in DANDANG_NOTICE_PREFIXES; "default" covers a kind not named.
    "NOTICE_PREFIXES": {
        "pre_appointment": "某组公", "tolerance_decision": "某组容", "clarification": "某组澄",
        "commendation": "某组通", "default": "某组通",
        **dict(item.split("=", 1) for item in os.environ.get(
            "DANDANG_NOTICE_PREFIXES", "").split(",") if "=" in item),
    },
    # 版记's 印发机关 (empty: the issuing body), and where objections to a 任前公示 go.
    "NOTICE_PRINTER": os.environ.get("DANDANG_NOTICE_PRINTER", ""),
    "NOTICE_OBJECTIONS": {
        "phone": os.environ.get("DANDANG_NOTICE_PHONE", "12380"),
        "address": os.environ.get("DANDANG_NOTICE_ADDRESS", "某市委组织部干部监督科"),
        "mail": os.environ.get("DANDANG_NOTICE_MAIL", "12380@example.gov.cn"),
    },
    # The issuing body's certificate (PKCS#12) and its passphrase: published PDFs are signed
    # (PAdES) when it is set. README, "Signing notices".
    "NOTICE_SIGNING_P12": os.environ.get("DANDANG_NOTICE_SIGNING_P12", ""),
    "NOTICE_SIGNING_PASSPHRASE": os.environ.get("DANDANG_NOTICE_SIGNING_PASSPHRASE", ""),
    # The public verification page: requests per client IP, and the largest PDF it checks.
    "VERIFY_RATE_LIMIT": os.environ.get("DANDANG_VERIFY_RATE_LIMIT", "30/m"),
    "VERIFY_MAX_UPLOAD": int(os.environ.get("DANDANG_VERIFY_MAX_UPLOAD", str(20 * 1024 * 1024))),
}

# The counters of django-ratelimit (the public ballot page). Django's own Redis cache where
# Redis is configured (shared by every worker, atomic increments); without Redis (a laptop,
# SQLite) a per-process memory cache, which limits each process on its own. The default cache
# is left as it was. django_ratelimit is not in INSTALLED_APPS: its system check would refuse
# the memory fallback, which is what we want without Redis.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
         "KEY_PREFIX": "dandang-rl"}
        if REDIS_URL else
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"}
    ),
}
RATELIMIT_USE_CACHE = "ratelimit"
# Behind a reverse proxy, the request header it puts the client address in (as a META key,
# e.g. HTTP_X_REAL_IP); otherwise REMOTE_ADDR, and every voter would share the proxy's count.
if os.environ.get("RATELIMIT_IP_META_KEY"):
    RATELIMIT_IP_META_KEY = os.environ["RATELIMIT_IP_META_KEY"]

if not (DANDANG["JOB_STALE_AFTER_SECONDS"] < CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
        and CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT
        < CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]):
    raise ImproperlyConfigured(
        "Need JOB_STALE_AFTER_SECONDS < CELERY_VISIBILITY_TIMEOUT and "
        "CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT < CELERY_VISIBILITY_TIMEOUT.")

# No log line carries a whole ID number (core.redaction): the filter sits on every handler and
# on the two loggers that write request lines, which keep Django's own format and handler.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_id_numbers": {"()": "core.redaction.RedactIdNumbers"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_id_numbers"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_id_numbers"],
        },
    },
    "loggers": {
        "django.server": {
            "handlers": ["django.server"],
            "filters": ["redact_id_numbers"],
            "level": "INFO",
            "propagate": False,
        },
        "django.request": {"filters": ["redact_id_numbers"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- notices: recycling the worker (issue #10, bench/notices_batch.py) ---------------------
# WeasyPrint keeps caches (fonts, parsed stylesheets, layout objects) that grow over long
# loops; a batch publication is one task, so the worker's child is replaced between tasks:
# after this many tasks, or after a task that left it above this resident size (KiB). The
# figures are in docs/PERFORMANCE.md "Notices: batch".
CELERY_WORKER_MAX_TASKS_PER_CHILD = int(os.environ.get("CELERY_WORKER_MAX_TASKS_PER_CHILD", "50"))
CELERY_WORKER_MAX_MEMORY_PER_CHILD = int(
    os.environ.get("CELERY_WORKER_MAX_MEMORY_PER_CHILD", str(512 * 1024)))
