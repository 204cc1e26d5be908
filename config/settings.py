"""Settings for the outsourced-work personal-information lifecycle app.

Everything comes from environment variables with safe local defaults: an SQLite file in the
project, DEBUG only when asked, plain HTTP only when asked. Production needs nothing but the
environment (see README, "Running it for real").
"""

import logging
import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.faces import check_face, faces_by_host
from core.keys import key_from_env_or_file
from core.private_files import private_file

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_renamed(name: str, default: str) -> str:
    """DJANGO_<NAME>, or the old unprefixed <NAME> it replaced, which still works and is warned about."""
    old = name.removeprefix("DJANGO_")
    if name in os.environ:
        return os.environ[name]
    if old in os.environ:
        # Logged, not warnings.warn: a DeprecationWarning outside __main__ is hidden, and nobody would see it.
        logging.getLogger("config.settings").warning("%s is deprecated; set %s instead (same value).", old, name)
        return os.environ[old]
    return default


# deploy/itaku.env.example marks each value an installer must replace with CHANGE-ME: never run with one.
_PLACEHOLDERS = sorted(name for name, value in os.environ.items()
                       if name.startswith(("DJANGO_", "DATABASE_URL")) and "CHANGE-ME" in value)
if _PLACEHOLDERS:
    raise ImproperlyConfigured(f"Replace the CHANGE-ME placeholder in: {', '.join(_PLACEHOLDERS)}")

DEBUG = env_bool("DJANGO_DEBUG", False)
# HTTPS is the default; a local demo or test run says DJANGO_HTTPS=0 to serve plain HTTP on loopback.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)


def _secret_key() -> str:
    # Without one in the environment: a random key made once for this installation, readable by its
    # owner only and kept out of git. Servers that share sessions must share DJANGO_SECRET_KEY instead.
    return key_from_env_or_file("DJANGO_SECRET_KEY", VAR_DIR, "secret_key")


SECRET_KEY = _secret_key()


def _audit_key() -> str:
    # The audit chain's HMAC key lives outside the database, so whoever can write to the database cannot
    # recompute the chain.
    return key_from_env_or_file("DJANGO_AUDIT_KEY", VAR_DIR, "audit_key", min_length=32)


AUDIT_KEY = _audit_key()
# Where the audit chain keeps what the database must not decide (audit/state.py): the declaration of where
# its keyed chain begins, written once, and the head file appended after every commit. Several app servers
# must share this directory (or all point at one shared one), as they share the key.
AUDIT_STATE_DIR = Path(os.environ.get("DJANGO_AUDIT_STATE_DIR", VAR_DIR))


def _data_key() -> str:
    # The survey's answers are kept encrypted (AES-GCM) while HR works on them; the key lives outside the
    # database and the data directory.
    return key_from_env_or_file("DJANGO_DATA_KEY", VAR_DIR, "data_key", min_length=32)


DATA_KEY = _data_key()
# Where the encrypted uploads and packages of the survey export are kept (engagement.crypto), and for how
# many days an upload not yet packaged is kept before purge_survey_data (and send_reminders) deletes it.
SURVEY_DATA_DIR = Path(os.environ.get("DJANGO_SURVEY_DATA_DIR", VAR_DIR / "survey"))
SURVEY_UPLOAD_RETENTION_DAYS = int(env_renamed("DJANGO_SURVEY_UPLOAD_RETENTION_DAYS", "14"))
# Evidence files (attachments): encrypted like the survey's files, in a directory of their own, each up to
# EVIDENCE_MAX_FILE_SIZE bytes (a scanned certificate or a phone's photo is a few MB).
EVIDENCE_DATA_DIR = Path(os.environ.get("DJANGO_EVIDENCE_DATA_DIR", VAR_DIR / "evidence"))
EVIDENCE_MAX_FILE_SIZE = int(os.environ.get("DJANGO_EVIDENCE_MAX_FILE_SIZE", str(10 * 1024 * 1024)))
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
# Which face a host shows (core.faces; README, "Where it sits in the ward's network"): "ward" (every page) or
# "contractor" (only the pages a contractor's people use, everything else 404). DJANGO_APP_FACE_BY_HOST names
# hosts with a face of their own ("host=face,host=face"); any other allowed host gets DJANGO_APP_FACE.
APP_FACE = check_face(os.environ.get("DJANGO_APP_FACE") or "ward", "DJANGO_APP_FACE")
APP_FACE_BY_HOST = faces_by_host(os.environ.get("DJANGO_APP_FACE_BY_HOST", ""))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "guardian",
    "axes",
    "core",
    "audit",
    "accounts",
    "contracttypes",
    "contracts",
    "directory",
    "attachments",
    "environment",
    "engagement",
    "handover",
    "checklist",
    "incidents",
    "statusreports",
    "supervision",
    "yearend",
    "imports",
    "register",
    "operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    # On the contractor face, a page that is not on it answers 404 before the session or the database is read.
    "core.faces.FaceMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # On the contractor face, a session of the ward's people (or an administrator's) counts for nothing, as their
    # sign-in there does not.
    "core.faces.WardSessionOffContractorFaceMiddleware",
    # Each person's roles on their contracts read once per request, however many questions a page asks.
    "contracts.middleware.RolesPerRequestMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Undecodable or oversized requests get a page in Japanese before any view or the CSRF check reads them.
    "core.middleware.RequestLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Work that needs an audit entry while the chain cannot be written gets a page saying why (503).
    "audit.middleware.AuditChainUnwritableMiddleware",
    # Axes last, as its documentation asks, so it sees the finished response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "core.context_processors.site",
            ],
        },
    },
]

# Database: SQLite in the project unless DATABASE_URL names another (PostgreSQL in production).
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
        # A kept connection is checked before a request reuses it: after a database restart or failover
        # each worker reconnects instead of failing its next request.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of deadlocking.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Mode 600 like the keys beside it, made before SQLite would make it with the umask (often 644).
    if DATABASES["default"]["NAME"] not in ("", ":memory:") and "mode=memory" not in str(DATABASES["default"]["NAME"]):
        private_file(Path(DATABASES["default"]["NAME"]))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out username/IP pairs before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Ward staff sign in against the ward's directory (LDAP / Active Directory) when LDAP_SERVER_URI is set; its
# groups give their scopes at each sign-in. Contractors keep their local accounts. The LDAP_* variables:
# directory/conf.py and README, "Sign-in against the ward's directory".
if os.environ.get("LDAP_SERVER_URI", "").strip():
    from directory.conf import ldap_settings

    globals().update(ldap_settings(os.environ))
    AUTHENTICATION_BACKENDS.insert(1, "directory.backends.DirectoryBackend")

# Long passphrases welcome, no forced rotation (NISC / NIST SP 800-63B practice).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.RepetitiveOrSequentialValidator"},
    {"NAME": "accounts.validators.ContextWordsValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after 30 minutes without a request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Lockout after 5 failures for 15 minutes, counted per username and IP address together; and an address
# is locked out once failures from it name 10 different usernames within those 15 minutes (spraying; an
# office behind one address mistyping stays well below; accounts.lockout).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "accounts.lockout.AddressLockoutHandler"
LOGIN_ADDRESS_USERNAME_LIMIT = int(os.environ.get("DJANGO_LOGIN_ADDRESS_USERNAME_LIMIT", "10"))
# Refused sign-ins, unknown enrolment links and lockouts from one address in one minute: past this many the
# sign-in and the links answer 429; each kind is one audit entry with a count (accounts.attempts).
ANONYMOUS_FAILURES_PER_MINUTE = int(os.environ.get("DJANGO_ANONYMOUS_FAILURES_PER_MINUTE", "30"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Counted by the client's address as the configured proxies report it (audit.services.client_ip).
AXES_CLIENT_IP_CALLABLE = "audit.services.client_ip"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = os.environ.get("DJANGO_OTP_ISSUER", "委託個人情報管理")
# The admin never shows an existing device's key or QR code: a second factor is enrolled by its owner.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Only for a local demonstration: lets accounts without a TOTP device in, with a banner on every page.
DEMO_SKIP_TWO_FACTOR_ENROLMENT = env_bool("DJANGO_DEMO_SKIP_TWO_FACTOR_ENROLMENT", False)
if DEMO_SKIP_TWO_FACTOR_ENROLMENT and HTTPS and not DEBUG:
    raise ImproperlyConfigured("DJANGO_DEMO_SKIP_TWO_FACTOR_ENROLMENT is for a local demo, never for production.")

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None

# Security headers and HTTPS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
BEHIND_TLS_PROXY = env_bool("DJANGO_BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The load balancer may probe each app server over plain HTTP behind the TLS proxy: no redirect there.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]


def _proxy_count() -> int:
    # How many proxies append to X-Forwarded-For in front of the app: the client is the N-th address
    # from the right. Without a proxy the header is whatever the client sent, so it is ignored (0).
    raw = os.environ.get("DJANGO_PROXY_COUNT", "").strip()
    if not raw:
        return 0
    if not raw.isdigit():
        raise ImproperlyConfigured("DJANGO_PROXY_COUNT must be a whole number of proxies (e.g. 1).")
    if int(raw) and not BEHIND_TLS_PROXY:
        raise ImproperlyConfigured("DJANGO_PROXY_COUNT needs DJANGO_BEHIND_TLS_PROXY=1: without a proxy in "
                                   "front, X-Forwarded-For is written by the client and cannot be trusted.")
    return int(raw)


PROXY_COUNT = _proxy_count()
# The address gunicorn binds (deploy/systemd/itaku.service passes it to --bind): with PROXY_COUNT set, a system
# check and the log at start warn unless it is a loopback address (core.proxy).
APP_BIND = os.environ.get("DJANGO_APP_BIND", "").strip()

# Japanese first; English one setting away (DJANGO_LANGUAGE_CODE=en). The language is the site's
# setting, not the browser's: a ward PC with an English browser still gets the Japanese documents.
LANGUAGE_CODE = os.environ.get("DJANGO_LANGUAGE_CODE", "ja")
LANGUAGES = [("ja", _("日本語")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("DJANGO_MANIFEST_STATIC", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
        # Static files hold nothing personal and nginx reads them as another user: readable by all, unlike
        # everything else the app writes (manage.py runs under umask 077, uploads are 600).
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded files (a report's PDF) are the app's alone, whatever the umask of the process that saved them.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Upload limits (core.bounds, core.middleware.RequestLimitsMiddleware): a file up to UPLOAD_MAX_FILE_SIZE
# (the survey's answers run to a few MB); the form fields of a request up to DATA_UPLOAD_MAX_MEMORY_SIZE.
# Uploads up to the file limit stay in memory: a spooled temporary file would put personal data on disk.
# A request over a limit gets a page saying so (status 413), not a bare 400.
UPLOAD_MAX_FILE_SIZE = int(os.environ.get("DJANGO_UPLOAD_MAX_FILE_SIZE", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", str(2 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_FILE_SIZE
# Django's default handlers spool a request bigger than FILE_UPLOAD_MAX_MEMORY_SIZE (the whole body, not
# the file) to a temporary file in plain text; this one keeps every file in memory and drops the bytes of
# a file over UPLOAD_MAX_FILE_SIZE, which the form then refuses at its field.
FILE_UPLOAD_HANDLERS = ["engagement.uploads.MemoryOnlyUploadHandler"]

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "itaku-kanri@localhost")
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000")

# PDFs: a Japanese font from Debian's packages, embedded in every PDF.
PDF_FONT_FILES = [
    "/usr/share/fonts/truetype/bizud-gothic/BIZUDGothic-Regular.ttf",
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf",
]

# Handover rules (seed 別紙: 電磁的媒体とパスワード通知書の受渡しは、それぞれ別の機会を設定し).
# Empty: a pair may not travel on the same calendar day in Asia/Tokyo. Otherwise a number of hours.
HANDOVER_MIN_GAP_HOURS = env_renamed("DJANGO_HANDOVER_MIN_GAP_HOURS", "")
STORAGE_CHECK_INTERVAL_DAYS = int(env_renamed("DJANGO_STORAGE_CHECK_INTERVAL_DAYS", "30"))

# The monthly access-log analysis (audit/analysis.py) lists what happened outside these hours, Monday to
# Friday, Asia/Tokyo ("HH:MM-HH:MM"); Saturdays and Sundays are outside them all day.
OFFICE_HOURS = os.environ.get("DJANGO_OFFICE_HOURS", "08:00-20:00").strip()
_office = re.fullmatch(r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)", OFFICE_HOURS)
if _office is None or not (int(_office[1]) * 60 + int(_office[2]) < int(_office[3]) * 60 + int(_office[4]) <= 24 * 60):
    raise ImproperlyConfigured("DJANGO_OFFICE_HOURS must read like 08:00-20:00 (start before end, Asia/Tokyo).")
# Test-only fault injection (tests/faults): "<app_label.model>:<marker file>" makes a web process pause
# inside the transaction right after it first saves such a row, writing its pid to the marker, so a test
# can kill it there. Refused unless plain HTTP (a local test run), like the demo's flag.
FAULT_PAUSE_AFTER_SAVE = os.environ.get("DJANGO_TEST_FAULT_PAUSE_AFTER_SAVE", "")
if FAULT_PAUSE_AFTER_SAVE and HTTPS:
    raise ImproperlyConfigured("DJANGO_TEST_FAULT_PAUSE_AFTER_SAVE is for the fault tests, never for production.")

# Backups (operations/): the key is DJANGO_BACKUP_KEY, or var/backup_key made at the first backup (the web
# processes never need it). Checklist system item 09 is met while the last verified restore drill is
# younger than DJANGO_BACKUP_EVIDENCE_MAX_AGE_DAYS. DJANGO_PG_BIN_DIR: where pg_dump/pg_restore of the server's
# version are, if not in Debian's /usr/lib/postgresql/<version>/bin.
BACKUP_KEY = os.environ.get("DJANGO_BACKUP_KEY", "")
BACKUP_EVIDENCE_MAX_AGE_DAYS = int(env_renamed("DJANGO_BACKUP_EVIDENCE_MAX_AGE_DAYS", "31"))
PG_BIN_DIR = os.environ.get("DJANGO_PG_BIN_DIR", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A refused request (4xx) is one line, never a traceback (core.request_logging).
    # …and no line repeats what the request sent (core.request_logging.NoRequestInput).
    "filters": {"one_line_client_errors": {"()": "core.request_logging.OneLineClientErrors"},
                "no_request_input": {"()": "core.request_logging.NoRequestInput"}},
    "handlers": {"console": {"class": "logging.StreamHandler",
                             "filters": ["no_request_input", "one_line_client_errors"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
