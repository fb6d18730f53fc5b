"""RecoveryPath settings: one module, every deployment value read from the environment.

Production refuses to start without its secrets; development (DEBUG=1) generates what it needs
under var/. See .env.example for every variable.
"""

from __future__ import annotations

import secrets
import sys
from datetime import timedelta
from pathlib import Path
from zoneinfo import available_timezones

import environ
from django.core.exceptions import ImproperlyConfigured

from recoverypath.core.net import TrustedProxies

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
TESTING = "pytest" in sys.modules or env.bool("TESTING", default=False)
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    value = env.str("SECRET_KEY", default="")
    if value:
        return value
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if (DEBUG or TESTING) else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "huey.contrib.djhuey",
    # RecoveryPath apps, in import order (ARCHITECTURE.md): an app imports only from those above it.
    "recoverypath.core",
    "recoverypath.accounts",
    "recoverypath.clients",
    "recoverypath.consent",
    "recoverypath.safety",
    "recoverypath.notifications",
    "recoverypath.alerts",
    "recoverypath.care",
    "recoverypath.scheduling",
    "recoverypath.assessments",
    "recoverypath.monitoring",
    "recoverypath.testing",
    "recoverypath.aftercare",
    "recoverypath.discharge",
    "recoverypath.incentives",
    "recoverypath.alumni",
    "recoverypath.earlywarning",
    "recoverypath.outcomes",
    "recoverypath.interop",
    "recoverypath.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "recoverypath.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "recoverypath.core.middleware.RequestContextMiddleware",
    "recoverypath.core.middleware.SecurityHeadersMiddleware",
    "recoverypath.core.middleware.ApiInputGuardMiddleware",
    # After OTP, messages and the audit context: ends idle staff sessions, holds a session at
    # the two-factor code or enrolment step.
    "recoverypath.accounts.middleware.SignInPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "recoverypath.urls"
WSGI_APPLICATION = "recoverypath.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "recoverypath.core.context_processors.navigation",
                "recoverypath.core.context_processors.page_text",
                "recoverypath.accounts.context_processors.sign_in",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'recoverypath.sqlite3'}")
}
# Kept a minute per web thread: a connection per request halved the check-in API's rate at 1M
# clients (new backend, catalog of every partition loaded again; bench/RESULTS.md). 0: per request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3

# django-axes: lock an account (per e-mail and address) after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "recoverypath.core.net.client_address"

# The proxies in front of the app: a number ("1" behind one load balancer, "0" when callers connect
# directly) or the networks they live in ("10.0.0.0/8,172.16.0.0/12"). The caller's address is the
# first untrusted hop from the right of X-Forwarded-For; the audit trail, the rate limits and
# django-axes all use it, so a forged X-Forwarded-For changes nothing.
# A bad value refuses to start (ImproperlyConfigured).
TRUSTED_PROXIES = TrustedProxies.parse(env.str("TRUSTED_PROXIES", default="0"))

# Abuse limits, (hits, seconds) per fixed window, counted in the shared cache (core.ratelimit).
# The web login and the token endpoint share theirs: one password, one budget.
RATE_LIMITS = {
    "login_address": (30, 300),
    "login_account": (10, 300),
    # Failed logins from one address over any accounts: password spraying.
    "login_failures_address": (10, 900),
    "two_factor_account": (5, 300),
    "password_reset_address": (10, 3600),
    "password_reset_account": (3, 3600),
    # Opening or answering invitation links from one address: guessing links or passwords.
    "invitation_accept_address": (30, 900),
    # Invitations (client, staff, family) one person sends: a stolen session spamming links.
    "invitation_send_account": (30, 3600),
}
RATE_LIMIT_NAMESPACE = ""
# A prefix for values cached for speed (earlywarning.config: a program's rule settings); tests
# give each test its own, as for the rate-limit counters.
CACHE_NAMESPACE = ""

# Two-factor sign-in (django-otp, TOTP). Staff must enrol once their program's grace period
# (Program.two_factor_grace_days after they joined it) is over; clients may opt in.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="RecoveryPath")
TWO_FACTOR_RECOVERY_CODES = 10
# API tokens expire after this many days without use (each use slides the expiry).
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=30)
if API_TOKEN_DAYS < 1:
    raise ImproperlyConfigured("API_TOKEN_DAYS must be at least 1.")

# Pages and messages in English or Spanish (issue 18): a signed-in person's own `User.language`
# (accounts.middleware.UserLanguageMiddleware), else the browser's Accept-Language or the
# language switch's cookie (LocaleMiddleware). Named date and time formats per language live in
# recoverypath/formats/<language>/formats.py; templates use them by name (`|date:"DATE_FORMAT"`).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["recoverypath.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="America/New_York")
if TIME_ZONE not in available_timezones():
    raise ImproperlyConfigured(f"TIME_ZONE {TIME_ZONE!r} is not an IANA time zone.")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (DEBUG or TESTING)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# E-mail: EMAIL_URL such as smtp+tls://user:pass@host:587; console in development.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="RecoveryPath <no-reply@example.org>")

# SMS provider: an HTTP gateway when SMS_URL is set, else printed to the console.
SMS_URL = env.str("SMS_URL", default="")
SMS_TOKEN = env.str("SMS_TOKEN", default="")
SMS_FROM = env.str("SMS_FROM", default="")
SMS_TIMEOUT_SECONDS = env.int("SMS_TIMEOUT_SECONDS", default=10)

# Notification delivery: attempts before a row is marked failed, the first retry delay (doubling
# each time, at most an hour), and how long a worker's claim on a row lasts before another worker
# may take it over (crash recovery).
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=6)
NOTIFICATION_RETRY_SECONDS = env.int("NOTIFICATION_RETRY_SECONDS", default=60)
NOTIFICATION_CLAIM_SECONDS = env.int("NOTIFICATION_CLAIM_SECONDS", default=300)
if (
    NOTIFICATION_MAX_ATTEMPTS < 1
    or NOTIFICATION_RETRY_SECONDS < 1
    or NOTIFICATION_CLAIM_SECONDS < 60
):
    raise ImproperlyConfigured(
        "NOTIFICATION_MAX_ATTEMPTS and NOTIFICATION_RETRY_SECONDS must be positive and "
        "NOTIFICATION_CLAIM_SECONDS at least 60."
    )

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": env.str("HUEY_NAME", default="recoverypath"),
        "url": REDIS_URL,
        "immediate": env.bool("HUEY_IMMEDIATE", default=TESTING),
        "utc": True,
        "consumer": {"workers": env.int("WORKER_THREADS", default=2), "worker_type": "thread"},
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "recoverypath",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": env.bool("HUEY_IMMEDIATE", default=TESTING),
        "utc": True,
        "consumer": {"workers": env.int("WORKER_THREADS", default=2), "worker_type": "thread"},
    }

# Security: production-safe by default; DEBUG relaxes only what plain-http development needs.
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not (DEBUG or TESTING))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SECURE_COOKIES)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if (DEBUG or TESTING) else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
)
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)

REST_FRAMEWORK = {
    # Token first: an anonymous call gets 401 with `WWW-Authenticate: Token`, not a bare 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "recoverypath.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "recoverypath.core.pagination.StandardPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "recoverypath.core.errors.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON with limits (size, depth, NUL, number range), then the two form encodings.
    "DEFAULT_PARSER_CLASSES": [
        "recoverypath.core.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "RecoveryPath API",
    "DESCRIPTION": "Continuity of care from IOP into aftercare. All data is protected health "
    "information: every read and write is audited.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The one error shape, documented for every operation (400/401/403/404/409/429).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "recoverypath.core.openapi.add_error_responses",
    ],
    # Choice sets whose field names collide across apps get names of their own.
    "ENUM_NAME_OVERRIDES": {
        "AttendanceStatusEnum": "recoverypath.scheduling.models.Attendance.Status",
        "SessionTypeEnum": "recoverypath.scheduling.models.SessionType",
        "ChecklistItemStatusEnum": "recoverypath.discharge.models.ChecklistItem.Status",
        "ReferralStatusEnum": "recoverypath.discharge.models.Referral.Status",
        "DischargePlanStatusEnum": "recoverypath.discharge.models.DischargePlan.Status",
        "ConsentStatusEnum": "recoverypath.consent.models.Consent.Status",
        "AftercarePlanStatusEnum": "recoverypath.aftercare.models.AftercarePlan.Status",
        "PlanComponentKindEnum": "recoverypath.aftercare.models.PlanComponent.Kind",
        # AA, NA, SMART Recovery, other: the same set for plan components and meeting logs.
        "SupportGroupTypeEnum": "recoverypath.monitoring.models.MeetingAttendance.MeetingType",
        # Testing (shared/CLINICAL.md, "Drug and alcohol testing").
        "SpecimenTypeEnum": "recoverypath.testing.catalog.SPECIMEN_TYPES",
        "AnalyteEnum": "recoverypath.testing.catalog.ANALYTE_CHOICES",
        "SpecimenValidityEnum": "recoverypath.testing.models.Validity",
        "TestingPeriodEnum": "recoverypath.testing.models.TestingPolicy.Period",
        "TestingPolicyOriginEnum": "recoverypath.testing.models.TestingPolicy.Origin",
        "TestingPolicyStatusEnum": "recoverypath.testing.models.TestingPolicy.Status",
        "TestSelectionKindEnum": "recoverypath.testing.models.TestSelection.Kind",
        "TestSelectionStatusEnum": "recoverypath.testing.models.TestSelection.Status",
        "ResultStageEnum": "recoverypath.testing.models.AnalyteResult.Stage",
        "ResultOutcomeEnum": "recoverypath.testing.models.AnalyteResult.Outcome",
        "AlumniMemberStatusEnum": "recoverypath.alumni.models.Member.Status",
        "MentorOfferStatusEnum": "recoverypath.alumni.models.MentorOffer.Status",
        "MentorMatchStatusEnum": "recoverypath.alumni.models.MentorMatch.Status",
        # In person, video, phone: sessions, groups, check-ins, referrals, providers.
        "ModalityEnum": "recoverypath.core.modality.Modality",
        "SupportGroupTagEnum": "recoverypath.core.modality.SupportGroupTag",
    },
}

# Every line is printed once, by the root's one handler: a logger that has a handler of its own
# and also propagates to the root prints each line twice. Django's default configuration gives
# "django" such a handler (in DEBUG), and huey's consumer adds one to "huey" when it has none:
# "django" gets none here, "huey" a handler that prints nothing (so the consumer adds none), and
# both reach the root. Gunicorn's own loggers do not propagate (gunicorn_conf.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "none": {"class": "logging.NullHandler"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "huey": {"handlers": ["none"], "propagate": True},
    },
}

# --- Running for real: probes, outages, serving (issue 12) --------------------------------------
# /healthz and /readyz are answered first of all (before the HTTPS redirect and the ALLOWED_HOSTS
# check) so a load balancer can probe a process over plain HTTP by its own address; every
# response carries an X-Request-ID that the access log records.
MIDDLEWARE = [
    "recoverypath.core.health.HealthProbeMiddleware",
    "recoverypath.core.middleware.RequestIdMiddleware",
    *MIDDLEWARE,
]
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# A connection that died while idle (database restart, failover) is replaced before it is used
# instead of failing the next request; an unreachable server fails fast (503, see core/errors.py).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5)
    )
# `recoverypath serve` (gunicorn): processes and threads per process; 0 means from the CPU count.
WEB_WORKERS = env.int("WEB_WORKERS", default=0)
WEB_THREADS = env.int("WEB_THREADS", default=0)
if WEB_WORKERS < 0 or WEB_THREADS < 0:
    raise ImproperlyConfigured("WEB_WORKERS and WEB_THREADS must be 0 (automatic) or more.")
# HSTS preload commits the whole domain to HTTPS in browsers for good: the domain owner's choice.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# --- Exactly once and backups (issue 12: Idempotency-Key, notification recovery, backups) -------
# Last in MIDDLEWARE: it wraps exactly the view, running it in the transaction that stores its
# answer for an Idempotency-Key retry (core/idempotency.py).
MIDDLEWARE += ["recoverypath.core.idempotency.IdempotencyMiddleware"]
REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] = "recoverypath.core.schema.AutoSchema"
# SMS gateway status endpoint (optional): GET with `{key}` replaced by the message's
# Idempotency-Key; 2xx = the gateway has the message, 404 = it never got it. Lets the recovery step
# settle a message whose worker died mid-send instead of leaving it for a person to check.
SMS_STATUS_URL = env.str("SMS_STATUS_URL", default="")
# Backups (`recoverypath backup` / `restore`): the Fernet key(s) that encrypt them (several,
# comma-separated, to rotate: the first encrypts, all decrypt), where they go by default, and
# where pg_dump/pg_restore live if not in /usr/lib/postgresql/<version>/bin or on PATH.
BACKUP_KEY = env.str("BACKUP_KEY", default="")
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(VAR_DIR / "backups")))
BACKUP_PG_BIN_DIR = env.str("BACKUP_PG_BIN_DIR", default="")

# The demo's early-warning history gives lapses a known relationship to the warnings raised the
# week before (outcomes.demo_data); 0 makes lapses independent of them (the report then finds
# an AUC near 0.5).
DEMO_PLANTED_LAPSES = env.bool("DEMO_PLANTED_LAPSES", default=True)
