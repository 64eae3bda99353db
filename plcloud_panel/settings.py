"""Settings, read only from the environment (see .env.example for every variable)."""

import os
from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from plcloud_panel import env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.raw("PANEL_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.boolean("DEBUG", False)
SECRET_KEY = env.secret_key("SECRET_KEY", VAR_DIR / "secret_key")
# Fernet keys for Plcloud tokens and passwords at rest, newest first; see docs/security.md.
ENCRYPTION_KEYS = env.fernet_keys("PANEL_ENCRYPTION_KEYS", VAR_DIR / "encryption_keys")
ALLOWED_HOSTS = env.words("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.words("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "django_htmx",
    "accounts",
    "connections",
    "audit",
    "ops",
    "cdn",
    "jobs",
    "tickets",
    "plcloud_sandbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks, so that it sees the outcome of every sign-in.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in throttling: a member is locked out after AXES_FAILURE_LIMIT failures in a row,
# for AXES_COOLOFF_MINUTES; the lock is per username so a shared office IP locks nobody else.
AXES_FAILURE_LIMIT = env.integer("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.integer("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Locking by username (not IP) is the point: a guesser rotating addresses still hits the lock.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

ROOT_URLCONF = "plcloud_panel.urls"
WSGI_APPLICATION = "plcloud_panel.wsgi.application"

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
                "connections.context_processors.plcloud_connection",
                "accounts.context_processors.role",
                "tickets.context_processors.ticket_notifications",
            ],
        },
    },
]

DATABASES = {"default": env.database("DATABASE_URL", "sqlite:///var/panel.sqlite3", BASE_DIR)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so that a worker process started by a test sees the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-panel-{os.getpid()}.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.raw("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.integer("SESSION_COOKIE_AGE", 8 * 3600, minimum=300)

# Per-process memory by default; with several web processes set CACHE_URL to Redis, so that a
# member's change clears their cached reads in every process.
CACHES = {"default": env.cache("CACHE_URL", "locmemcache://")}
# A member's CDN reads (the domain list) are cached this long, and cleared by their own changes.
CDN_CACHE_SECONDS = env.integer("CDN_CACHE_SECONDS", 15, minimum=0)
# A prefetch or flush job that has not ended this long after it was submitted is failed.
PREFETCH_DEADLINE_MINUTES = env.integer("PREFETCH_DEADLINE_MINUTES", 30, minimum=1)
# A domain still configuring after this long is flagged as stuck.
CDN_STUCK_MINUTES = env.integer("CDN_STUCK_MINUTES", 30, minimum=1)

# Plcloud. The identity endpoint defaults to the sandbox that the quick start runs.
PLCLOUD_AUTH_URL = env.http_url("PLCLOUD_AUTH_URL", "http://127.0.0.1:5001/v2.0")
# The identity endpoints members may pick on the Connect page. Only these: a free-typed URL
# would let anyone aim the panel's server at internal hosts.
PLCLOUD_AUTH_URLS = env.http_urls("PLCLOUD_AUTH_URLS", [PLCLOUD_AUTH_URL])
PLCLOUD_CONNECT_TIMEOUT = env.number("PLCLOUD_CONNECT_TIMEOUT", 3.05, minimum=0.1)
PLCLOUD_READ_TIMEOUT = env.number("PLCLOUD_READ_TIMEOUT", 30.0, minimum=0.1)
# Circuit breaker (connections/breaker.py): after this many failed calls in a row to one Plcloud
# service the panel stops calling it for the cooldown (seconds), then lets one trial call through.
# 0 turns it off. Its state is in the cache, so set CACHE_URL to Redis to share it between processes.
PLCLOUD_BREAKER_THRESHOLD = env.integer("PLCLOUD_BREAKER_THRESHOLD", 5, minimum=0)
PLCLOUD_BREAKER_COOLDOWN = env.number("PLCLOUD_BREAKER_COOLDOWN", 30.0, minimum=1.0)

# Celery. Without a broker URL the embedded filesystem transport needs no server; see README.
CELERY_BROKER_URL = env.broker(("CELERY_BROKER_URL", "REDIS_URL"), "filesystem://")
BROKER_FOLDER = Path(env.raw("CELERY_BROKER_FOLDER", str(VAR_DIR / "broker")))
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(BROKER_FOLDER / "queue"),
        "data_folder_out": str(BROKER_FOLDER / "queue"),
        "control_folder": str(BROKER_FOLDER / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {}
)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_IGNORE_RESULT = True
# Beat: how often members' tickets are checked for new support replies, and how many members a
# run reads (one Plcloud call each; those checked longest ago first).
TICKET_CHECK_SECONDS = env.integer("TICKET_CHECK_SECONDS", 60, minimum=10)
TICKET_CHECK_MAX_MEMBERS = env.integer("TICKET_CHECK_MAX_MEMBERS", 200, minimum=1)
CELERY_BEAT_SCHEDULE = {
    "tickets.check_ticket_replies": {
        "task": "tickets.tasks.check_ticket_replies",
        "schedule": float(TICKET_CHECK_SECONDS),
        # A run not started before the next one is due is dropped, so runs never pile up.
        "options": {"expires": float(TICKET_CHECK_SECONDS)},
    },
}

# Mail (optional): without EMAIL_HOST nothing is sent. Used for "support replied" notices.
EMAIL_HOST = env.raw("EMAIL_HOST", "") or ""
EMAIL_PORT = env.integer("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env.raw("EMAIL_HOST_USER", "") or ""
EMAIL_HOST_PASSWORD = env.raw("EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = env.boolean("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.raw("DEFAULT_FROM_EMAIL", "plcloud-panel@localhost")

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.choice("LOG_LEVEL", "INFO", LOG_LEVELS)},
    "loggers": {"urllib3": {"level": "WARNING"}},
}
