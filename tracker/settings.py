"""Settings for Tracker 06, read from the environment (see the README's table)."""

from datetime import date, timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
RUN_DIR = BASE_DIR / ".run"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# A development key only while DEBUG is on: a deployment without SECRET_KEY must not start.
SECRET_KEY = env("SECRET_KEY") if not DEBUG else env("SECRET_KEY", default="django-insecure-tracker06-development-only")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# HTTPS everywhere once DEBUG is off; behind a proxy that terminates TLS, it must set
# X-Forwarded-Proto.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# How many proxies in front of the tracker append to X-Forwarded-For; 0 (the default) means
# the client's address is the socket's and X-Forwarded-For is ignored.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

INSTALLED_APPS = [
    "tracker.apps.TrackerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "tracker.apps.KnoxConfig",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "tracker.apps.AxesConfig",
    "django_otp",
    "tracker.apps.TOTPConfig",
    "tracker.apps.StaticConfig",
    "csp",
    "core",
    "accounts",
    "agencies",
    "tasks_app",
    "notifications",
    "reports",
    "calendars",
    "webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.input_guards.NulCharacterGuard",
    "core.input_guards.RepeatedParameterGuard",
    "core.text.ComposedInput",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.two_factor.TwoFactorGate",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tracker" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread_notifications",
                "tasks_app.context_processors.committee_desks",
                "tasks_app.context_processors.obstacle_desk",
                "reports.context_processors.report_reader",
                "tracker.context_processors.language_menu",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process and the Celery worker share the file: WAL and IMMEDIATE transactions
    # avoid "database is locked" when a transaction reads before it writes.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 5,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A covering index's included columns serve PostgreSQL; SQLite builds the index without them.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Called on every new password (change, reset, admin): revokes the user's API tokens.
    {"NAME": "accounts.password_validation.RevokeApiTokensOnPasswordChange"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("Tiếng Anh"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "tracker" / "static"]
# Uploaded evidence of work done; served only through a view that checks who may see it.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
TRACKER_EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_MEGABYTES", default=10) * 1024 * 1024

# Pages: log in, then the dashboard; repeated failed logins lock the account and address out
# for a while (django-axes counts them in the database, so every web process sees them).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
# Two-factor sign-in (accounts/two_factor.py): enforced in production; `make run` (DEBUG) leaves
# it optional so that the demo accounts open at once, unless TWO_FACTOR_ENFORCED=true.
TWO_FACTOR_ENFORCED = env.bool("TWO_FACTOR_ENFORCED", default=not DEBUG)
TWO_FACTOR_FOR_EVERYONE = env.bool("TWO_FACTOR_FOR_EVERYONE", default=False)
TWO_FACTOR_REQUIRED_GROUPS = ["committee_staff"]
OTP_TOTP_ISSUER = "Tracker 06"
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_address"
# Password reset e-mails asked for an address and by a client, per window of minutes.
PASSWORD_RESET_LIMIT_PER_EMAIL = env.int("PASSWORD_RESET_LIMIT_PER_EMAIL", default=3)
PASSWORD_RESET_LIMIT_PER_CLIENT = env.int("PASSWORD_RESET_LIMIT_PER_CLIENT", default=10)
PASSWORD_RESET_LIMIT_MINUTES = env.int("PASSWORD_RESET_LIMIT_MINUTES", default=60)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

REST_FRAMEWORK = {
    # Token first, so that a request with no credentials gets 401 and a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "agencies.service_accounts.ReadOnlyServiceAccounts",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "core.input_guards.BoundedJSONParser",
        "core.input_guards.ComposedFormParser",
        "core.input_guards.ComposedMultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    # The client's address is the socket's unless TRUSTED_PROXIES proxies say otherwise.
    "NUM_PROXIES": TRUSTED_PROXIES,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="30/minute"),
        "user": env("API_THROTTLE_USER", default="1200/minute"),
    },
}
# API tokens (django-rest-knox): stored as digests, expiring after API_TOKEN_HOURS.
REST_KNOX = {"TOKEN_TTL": timedelta(hours=env.int("API_TOKEN_HOURS", default=10)), "AUTO_REFRESH": False}
# The schema and the interactive docs: open to anyone who reaches the site, or with
# API_DOCS_PUBLIC=false to signed-in users only.
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=True)
SPECTACULAR_SETTINGS = {
    "TITLE": "Tracker 06 API",
    "DESCRIPTION": "Nhiệm vụ Đề án 06 và Kế hoạch của Ủy ban Quốc gia về chuyển đổi số: phân công, trạng thái.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc come from the app's own static files: the tracker runs on closed networks.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.AllowAny" if API_DOCS_PUBLIC else "rest_framework.permissions.IsAuthenticated"
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    # The PATCH endpoints (progress, a comment's correction) need their fields, as a POST would.
    "COMPONENT_SPLIT_PATCH": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.document_error_responses",
        "core.schema.for_generated_clients",
    ],
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "tasks_app.models.Status",
        "TimelinessEnum": "tasks_app.models.Timeliness",
        "AgencyKindEnum": "agencies.models.AgencyKind",
        "RegionEnum": "agencies.models.Region",
        "ActionEnum": "tasks_app.workflow.Action",
        "ExtensionKindEnum": "tasks_app.models.ExtensionKind",
        "ExtensionStatusEnum": "tasks_app.models.ExtensionStatus",
        "EventKindEnum": "tasks_app.models.EventKind",
        "AssignmentRoleEnum": "tasks_app.models.AssignmentRole",
        "NotificationKindEnum": "notifications.models.NotificationKind",
        "ObstacleKindEnum": "tasks_app.models.ObstacleKind",
        "ObstacleStatusEnum": "tasks_app.models.ObstacleStatus",
        "ObstacleStepKindEnum": "tasks_app.models.ObstacleStepKind",
        "ObstacleResolutionEnum": "tasks_app.workflow.ObstacleResolution",
        "PeriodKindEnum": "reports.periods.PeriodKind",
    },
}

# A Content-Security-Policy on every response: nothing from another origin, no inline
# script or style (the pages, the admin and the API docs need none), no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# A mail server that stops answering would otherwise hold a worker's process forever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT_SECONDS", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Tracker 06 <no-reply@tracker06.example.org>")

REDIS_URL = env("REDIS_URL", default="")
# Throttling counts in the cache: shared through Redis when there is one, so that every
# web process counts the same requests. While Redis is away the cache fails open (a miss,
# logged), so the API and the pages keep answering, unthrottled, instead of answering 500.
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "tracker.cache"
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
# A broker outage must not hold up a write that dispatches on commit: connect and publish
# give up within seconds (the dispatch logs it; the outbox rows stay pending for the next
# send). Without max_retries kombu would try to reconnect for ever, and without socket
# timeouts a broker that accepts and never answers would hold the request for ever.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
if REDIS_URL:
    # kombu's Redis transport with one fix: a worker survives Redis going away mid-task.
    CELERY_BROKER_TRANSPORT = "tracker.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.5,
        "interval_max": 1,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
else:
    # kombu's filesystem transport resolves relative folders against the working directory,
    # so they are absolute; tracker/celery.py makes them once Celery is configured.
    CELERY_BROKER_FOLDER = RUN_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
    }
CELERY_TIMEZONE = TIME_ZONE
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Take one message at a time; each task says whether it is acknowledged late and its time limit.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE = {
    "reminders-daily": {
        "task": "notifications.tasks.reminders_daily",
        "schedule": crontab(hour=8, minute=0),
    },
    "snapshot-previous-day": {
        "task": "tasks_app.tasks.snapshot_previous_day",
        "schedule": crontab(hour=0, minute=10),
    },
    # The webhooks' retries come due at any time; each change dispatches its own at once.
    "webhooks-due": {
        "task": "webhooks.tasks.send_webhooks",
        "schedule": 60.0,
    },
    # The morning after each cut-off (the 14th), before the 08:00 digest that carries its notices.
    "report-drafts-at-cut-off": {
        "task": "reports.tasks.report_drafts_at_cut_off",
        "schedule": crontab(hour=7, minute=30, day_of_month=15),
    },
    "counts-repair": {
        "task": "tasks_app.tasks.counts_repair_nightly",
        "schedule": crontab(hour=0, minute=40),
    },
}

# Webhooks (webhooks/services.py): a delivery failing is tried again after 30 s, 1 min, 2 min…
# at most an hour apart, until it is accepted; an endpoint failing this many times in a row is
# disabled and its owner told. Deliveries go only to public addresses unless this list allows
# "loopback" or "private" too.
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=10)
WEBHOOK_BACKOFF_SECONDS = env.int("WEBHOOK_BACKOFF_SECONDS", default=30)
WEBHOOK_BACKOFF_MAX_SECONDS = env.int("WEBHOOK_BACKOFF_MAX_SECONDS", default=3600)
WEBHOOK_FAILURE_LIMIT = env.int("WEBHOOK_FAILURE_LIMIT", default=10)
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env.list("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default=[])

# Days off and make-up working days announced after the `holidays` package was released.
TRACKER_EXTRA_DAYS_OFF = frozenset(env.list("TRACKER_EXTRA_DAYS_OFF", cast=date.fromisoformat, default=[]))
TRACKER_EXTRA_WORKING_DAYS = frozenset(env.list("TRACKER_EXTRA_WORKING_DAYS", cast=date.fromisoformat, default=[]))

# The reminder policy: days before the due date, and how often overdue work is chased.
TRACKER_REMINDERS = {
    # Reminders this many days before the deadline (not the pages' "due soon", DUE_SOON_DAYS).
    "remind_before_days": env.list("REMINDER_BEFORE_DAYS", cast=int, default=[7, 3, 1]),
    "overdue_every_days": env.int("REMINDER_OVERDUE_EVERY_DAYS", default=7),
    "escalate_after_days": env.int("REMINDER_ESCALATE_AFTER_DAYS", default=14),
    "escalate_every_days": env.int("REMINDER_ESCALATE_EVERY_DAYS", default=7),
}
# Sending: recipients per Celery task (one SMTP connection each), and the retries of what
# could not go for now (the server unreachable, a 4xx answer). Celery waits a random time
# (full jitter) up to backoff × 2^retry seconds, at most the maximum: with 20 retries of
# 60 s up to 15 minutes the waits add up to about two hours on average, and to more than
# one hour in all but about 1 in 10,000 batches; tests/notifications/test_retry_policy.py
# checks it.
TRACKER_SENDING = {
    "recipients_per_task": env.int("SENDING_RECIPIENTS_PER_TASK", default=50),
    "retries": env.int("SENDING_RETRIES", default=20),
    "backoff_seconds": env.int("SENDING_BACKOFF_SECONDS", default=60),
    "backoff_max_seconds": env.int("SENDING_BACKOFF_MAX_SECONDS", default=900),
}
# How long the author of a comment may still correct it; after that it stands as written.
TRACKER_COMMENT_CORRECTION_MINUTES = env.int("COMMENT_CORRECTION_MINUTES", default=15)
# How many working days an agency has to answer an explanation request, unless staff set the date.
TRACKER_EXPLANATION_ANSWER_DAYS = env.int("EXPLANATION_ANSWER_DAYS", default=5)
# How periodic reports rank agencies: each assignment due by the cut-off weighs this much by
# how it stood that day, and an agency's score is the weights' sum over its assignments due;
# the same score ranks the agency with fewer overdue first. REPORT_RANKING changes some of
# them, e.g. "done_late=0.25;on_track=0.5".
TRACKER_REPORT_RANKING = {
    "done_on_time": 1.0,
    "done_late": 0.5,
    "on_track": 0.0,
    "overdue": 0.0,
    **env.dict("REPORT_RANKING", cast={"value": float}, default={}),
}
if set(TRACKER_REPORT_RANKING) != {"done_on_time", "done_late", "on_track", "overdue"}:
    raise ImproperlyConfigured("REPORT_RANKING weighs only done_on_time, done_late, on_track and overdue")
# The report documents' letterhead (Nghị định 30/2020/NĐ-CP): the issuing body (in capitals
# at the top), the symbol after the number ("Số: …/BC-TCTĐA06") and the place before the date.
TRACKER_REPORT_ISSUING_BODY = env("REPORT_ISSUING_BODY", default="Tổ công tác triển khai Đề án 06")
TRACKER_REPORT_SYMBOL = env("REPORT_SYMBOL", default="TCTĐA06")
TRACKER_REPORT_PLACE = env("REPORT_PLACE", default="Hà Nội")
# The most overdue assignments a report's Word document lists (and its PDF); its XLSX annex lists them all.
TRACKER_REPORT_DOCUMENT_OVERDUE_ROWS = env.int("REPORT_DOCUMENT_OVERDUE_ROWS", default=100)
# LibreOffice, which turns a report's DOCX into its PDF, and how long one conversion may take.
TRACKER_SOFFICE = env("SOFFICE", default="soffice")
TRACKER_PDF_TIMEOUT_SECONDS = env.int("PDF_TIMEOUT_SECONDS", default=120)
# Where the links in emails point.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # django-axes tells every successful login at INFO; lockouts are warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}
