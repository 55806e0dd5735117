"""Equal Footing settings: one file, configured by environment variables.

Defaults are safe for the embedded demo (SQLite under ./var/, console e-mail). With
EF_ENV=production the settings refuse to start on anything unsafe: no secret key, DEBUG on,
no allowed hosts.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from equalfooting.home import ef_home

BASE_DIR = Path(__file__).resolve().parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_count(name: str, default: int) -> int:
    """A setting that must be zero or a positive whole number, or the server stops at start."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    if not raw.strip().isascii() or not raw.strip().isdigit():
        raise ImproperlyConfigured(f"{name} must be zero or a positive whole number, not {raw!r}.")
    return int(raw)


PRODUCTION = os.environ.get("EF_ENV", "development") == "production"
EF_HOME = ef_home()
DEBUG = env_flag("EF_DEBUG", default=False)


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    if path := os.environ.get("SECRET_KEY_FILE"):
        return Path(path).read_text().strip()
    if PRODUCTION:
        raise ImproperlyConfigured("Set SECRET_KEY or SECRET_KEY_FILE in production.")
    # Development and demo: a random key kept under EF_HOME, never a key in the source.
    EF_HOME.mkdir(parents=True, exist_ok=True)
    stored = EF_HOME / "secret_key"
    if not stored.exists():
        stored.write_text(secrets.token_urlsafe(50))
        stored.chmod(0o600)
    return stored.read_text().strip()


SECRET_KEY = _secret_key()

if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("EF_DEBUG must be off in production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1]")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS in production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    # django-ninja serves its API documentation (Swagger UI) from its own static files, not a CDN.
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "equalfooting.core",
    "equalfooting.audit",
    "equalfooting.registry",
    "equalfooting.jobs",
    "equalfooting.deadlines",
    "equalfooting.notifications",
    "equalfooting.offers",
    "equalfooting.accounts",
    "equalfooting.needs",
    "equalfooting.contacts",
    "equalfooting.matchmaking",
    "equalfooting.fund",
    "equalfooting.programmes",
    "equalfooting.transparency",
]

MIDDLEWARE = [
    # First, so that every log line of the request carries its id (LOG_REQUEST_ID_* below).
    "log_request_id.middleware.RequestIDMiddleware",
    # Next, so that a request's measured time counts everything the server does for it.
    "equalfooting.web.metrics.RequestMetricsMiddleware",
    # Outside everything that writes the page, so that it compresses the finished page (and
    # weakens its ETag, as the compressed bytes differ).
    "equalfooting.web.compression.PublicPageGZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag on every page and 304 answers to conditional requests: pages stay light on slow links.
    "django.middleware.http.ConditionalGetMiddleware",
    "csp.middleware.CSPMiddleware",
    # Pages for the public from the shared cache (inside the headers above, which apply to them).
    "equalfooting.web.page_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "equalfooting.web.middleware.ReadOnlyMirrorMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "equalfooting.web.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "equalfooting.urls"
WSGI_APPLICATION = "equalfooting.wsgi.application"

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
                "equalfooting.web.context_processors.site",
            ],
        },
    },
]

# --- Database: embedded SQLite by default, anything dj-database-url reads by DATABASE_URL.
if "DATABASE_URL" not in os.environ:
    EF_HOME.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{EF_HOME / 'equalfooting.sqlite3'}"),
        # In production each server process keeps its connection (checked before reuse)
        # rather than opening one per request, which costs more than a page from the cache.
        conn_max_age=env_count("EF_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the one writer work side by side; IMMEDIATE takes the write lock
    # at the start of a transaction so read-then-write sequences never deadlock.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background jobs: Django's tasks API (the django-tasks backport: on Django 6 the import
# becomes django.tasks) with the database backend, so the queue lives in DATABASE_URL and any
# number of `equalfooting worker` processes share it. Tests run each job at once.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}


def env_positive_int(name: str, default: int) -> int:
    """A setting that must be a positive whole number: anything else stops the server at start."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    if not raw.strip().isascii() or not raw.strip().isdigit() or int(raw) <= 0:
        raise ImproperlyConfigured(f"{name} must be a positive whole number, not {raw!r}.")
    return int(raw)


# A running job's worker renews its lease; a job whose lease is older than this many seconds
# is queued again (three tries, then failed), so a worker killed mid-job loses nothing.
EF_JOB_LEASE = env_positive_int("EF_JOB_LEASE", 600)

# --- Deadlines (days). Each stops the server at start unless it is a positive whole number.
# Shown on the pages where they apply and described in the user guide.
EF_DEADLINE_DAYS = {
    # A State answers a proposed match within this many days of the round's publication.
    "match_state_answer": env_positive_int("EF_MATCH_ANSWER_DAYS", 21),
    # A provider answers within this many days of the State's acceptance.
    "match_provider_confirm": env_positive_int("EF_MATCH_CONFIRM_DAYS", 14),
    # A reviewer submits a review within this many days of being assigned it.
    "review": env_positive_int("EF_REVIEW_DAYS", 21),
    # A point of contact acknowledges a contact check within this many days.
    "contact_check": env_positive_int("EF_CONTACT_CHECK_DAYS", 14),
    # An offer ends on its last day of availability: the deadline is the offer's own date.
    "offer_availability": 1,
}


def env_positive_ints(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    """A comma-separated list of positive whole numbers ("7,2"), or the server stops at start."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    parts = [p.strip() for p in raw.split(",")]
    if not parts or not all(p.isascii() and p.isdigit() and int(p) > 0 for p in parts):
        raise ImproperlyConfigured(
            f"{name} must be positive whole numbers separated by commas, such as 7,2; not {raw!r}."
        )
    return tuple(int(p) for p in parts)


# The scheduler launches a contact check this many days after the last one (the first is
# launched by the Secretariat).
EF_CONTACT_CHECK_EVERY_DAYS = env_positive_int("EF_CONTACT_CHECK_EVERY_DAYS", 180)

# Reminders go out this many days before a deadline.
EF_REMINDER_DAYS = env_positive_ints("EF_REMINDER_DAYS", (7, 2))

# The scheduler's pass (deadlines, reminders, lapses, digests) runs in the worker this often
# (seconds); `equalfooting tick` runs one pass for installations that prefer cron.
EF_TICK_EVERY = env_positive_int("EF_TICK_EVERY", 300)

# --- Accounts and security.
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
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
# Signing in lands on what waits for the person.
LOGIN_REDIRECT_URL = "core:my_work"
LOGOUT_REDIRECT_URL = "core:home"

# Login throttling: five failures lock the username and address pair for fifteen minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("EF_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25
# Lock out a user name only together with the address it is tried from: wrong passwords from
# one address never lock the user out from another (an attacker cannot turn it against them).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client's address (equalfooting.core.client): behind reverse proxies (EF_PROXY_COUNT of
# them; EF_BEHIND_PROXY=1 means one) it is read from X-Forwarded-For, as many entries from the
# right as there are proxies, so a client cannot forge it; without a proxy only the
# connection's own address counts. Before this, every attempt behind a proxy came from the
# proxy's one address, and five wrong passwords from anywhere locked the real user out.
_proxies = os.environ.get(
    "EF_PROXY_COUNT", "1" if env_flag("EF_BEHIND_PROXY", default=False) else "0"
).strip()
if not (_proxies.isdigit() and int(_proxies) <= 5):
    raise ImproperlyConfigured("EF_PROXY_COUNT must be the number of reverse proxies, 0 to 5.")
EF_PROXY_COUNT = int(_proxies)
AXES_CLIENT_IP_CALLABLE = "equalfooting.core.client.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Equal Footing"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_flag("EF_SSL_REDIRECT", default=True)
    # A load balancer probes the servers over plain HTTP on the inside; the probes carry no data.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("EF_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_flag("EF_HSTS_PRELOAD", default=True)
    if not SECURE_HSTS_PRELOAD:
        # The operator chose not to ask browsers to preload HSTS; say so once, not per check.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    if env_flag("EF_BEHIND_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Strict Content-Security-Policy: only this site's own files, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- E-mail: printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Where the file-based backend (the demo's) writes each e-mail.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(EF_HOME / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "equalfooting@localhost")


def _base_url() -> str:
    """The installation's address as people reach it: links in e-mails are built from it."""
    raw = os.environ.get("EF_BASE_URL", "http://127.0.0.1:8000").strip()
    parts = urlsplit(raw)
    try:
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        parts = urlsplit("")
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.path not in {"", "/"}
        or parts.query
        or parts.fragment
    ):
        raise ImproperlyConfigured(
            f"EF_BASE_URL must be an http(s) URL such as https://ef.example.org, not {raw!r}."
        )
    return raw.rstrip("/")


EF_BASE_URL = _base_url()

# --- Languages: the six official languages of the United Nations.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", "العربية"),
    ("zh-hans", "中文"),
    ("en", "English"),
    ("fr", "Français"),
    ("ru", "Русский"),
    ("es", "Español"),
]
LANGUAGE_CODES = [code for code, _name in LANGUAGES]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# --- Static files, served by WhiteNoise; vendored, never from another host.
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("EF_STATIC_ROOT", EF_HOME / "static"))
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves from finders here
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION


def cache_from_url(url: str) -> dict[str, Any]:
    """CACHE_URL: the cache every application server shares (pages for the public, charts).

    locmem:// (one process: development), db:// or db://<table> (the database: shared by every
    server with nothing more to run; the default in production), redis://host:6379/0 or
    rediss://… (Redis), dummy:// (no cache).
    """
    scheme, separator, rest = url.partition("://")
    if not separator:
        scheme = ""  # not a URL at all
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if scheme == "db":
        table = rest.strip("/") or "ef_cache"
        if not table.replace("_", "").isalnum():
            raise ImproperlyConfigured(f"CACHE_URL: {table!r} is not a table name.")
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": table}
    if scheme in {"redis", "rediss"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL must start with locmem://, db://, redis://, rediss:// or dummy://, not {url!r}."
    )


CACHES = {
    "default": cache_from_url(
        os.environ.get("CACHE_URL", "db://ef_cache" if PRODUCTION else "locmem://")
    ),
    # Each process's own copy of the pages for the public it served last, in front of the
    # shared cache (equalfooting.web.page_cache): never stale, since a key names one state of
    # the data.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "ef-pages",
        "OPTIONS": {"MAX_ENTRIES": 300},
    },
}

# Pages for the public: kept whole in the cache for readers who are not signed in, under a key
# that holds the audit chain's head, so a page is made again as soon as any data change (every
# change is audited), and never served older than this many seconds (0: never kept).
EF_PAGE_CACHE_SECONDS = env_count("EF_PAGE_CACHE_SECONDS", 600)
# What pages for the public tell browsers and proxies (Cache-Control: public, max-age=…): how
# many seconds they may serve a page without asking again (0: always ask; the ETag answers).
EF_PUBLIC_MAX_AGE = env_count("EF_PUBLIC_MAX_AGE", 60)

# Files made by background jobs (annual reports, IATI files, the mirror bundle): in a folder
# every application server and worker can read and write (a shared volume when there are
# several hosts).
EF_FILES_DIR = Path(os.environ.get("EF_FILES_DIR", EF_HOME)).resolve()
# The largest file the library takes (bytes); its documents are kept under EF_FILES_DIR/library.
EF_LIBRARY_MAX_BYTES = env_positive_int("EF_LIBRARY_MAX_BYTES", 20_000_000)

# GET /metrics (Prometheus) answers only a scraper that sends this token
# (Authorization: Bearer …); without it the endpoint does not exist.
EF_METRICS_TOKEN = os.environ.get("EF_METRICS_TOKEN", "")

NINJA_PAGINATION_MAX_LIMIT = 500

# Every request has an id, answered in X-Request-ID and written on each of its log lines, so
# one request can be followed across servers. Behind a proxy that sets X-Request-ID the proxy's
# id is kept; a client's own header is never trusted without one.
GENERATE_REQUEST_ID_IF_NOT_IN_HEADER = True
REQUEST_ID_RESPONSE_HEADER = "X-Request-ID"
if EF_PROXY_COUNT:
    LOG_REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"
LOG_REQUESTS = env_flag("EF_LOG_REQUESTS", default=False)  # one line per request, with status
NO_REQUEST_ID = "-"  # on lines written outside a request (workers, commands)
# Logs on standard error: JSON lines for a log collector (the default in production), or text.
EF_LOG_FORMAT = os.environ.get("EF_LOG_FORMAT", "json" if PRODUCTION else "text")
if EF_LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("EF_LOG_FORMAT must be json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "log_request_id.filters.RequestIDFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": EF_LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("EF_LOG_LEVEL", "WARNING")},
    # One line per request when EF_LOG_REQUESTS is set, whatever the root level.
    "loggers": {"log_request_id.middleware": {"level": "INFO" if LOG_REQUESTS else "WARNING"}},
}

SITE_NAME = _("Equal Footing")
