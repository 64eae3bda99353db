"""Settings, read only from the environment (see .env.example for every variable)."""

from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from plcloud_panel import env

BASE_DIR = Path(__file__).resolve().parent.parent
# The panel's own files (generated keys, the quick start's login, static files, exports); each
# folder is made by what first writes to it, never when settings are read.
VAR_DIR = Path(env.raw("PANEL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env.boolean("DEBUG", False)
SECRET_KEY = env.secret_key("SECRET_KEY", VAR_DIR / "secret_key")
# Fernet keys for Plcloud tokens and passwords at rest, newest first; see docs/security.md.
ENCRYPTION_KEYS = env.fernet_keys("PANEL_ENCRYPTION_KEYS", VAR_DIR / "encryption_keys")
ALLOWED_HOSTS = env.words("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.words("CSRF_TRUSTED_ORIGINS", [])
# A form refused for its CSRF token: a page in the panel's layout that gives back what was typed.
CSRF_FAILURE_VIEW = "ops.error_views.csrf_failure"

# HTTPS, all opt-in so that the quick start keeps working over plain http on localhost.
# PANEL_HTTPS: the panel is only ever reached over https, so cookies never travel in clear and
# plain http is redirected. /health/ is exempt: load balancers probe over plain http.
PANEL_HTTPS = env.boolean("PANEL_HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = PANEL_HTTPS
SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", PANEL_HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
# Only behind a proxy that sets X-Forwarded-Proto itself (and drops any the client sent):
# otherwise a client could claim https and Django would believe it.
# Sign-in throttling then counts a client by the address the proxy appends to X-Forwarded-For.
PANEL_BEHIND_PROXY = env.boolean("PANEL_BEHIND_PROXY", False)
if PANEL_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HSTS is sticky in browsers (a mistake lasts SECURE_HSTS_SECONDS), so it is a separate opt-in.
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.boolean("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env.boolean("SECURE_HSTS_PRELOAD", False)

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
    "notifications",
    "alerts",
]
# The sandbox runs as `python -m plcloud_sandbox` (the quick start, compose, the tests), which needs
# no Django app; a panel that wants it as `manage.py plcloud_sandbox` too turns this on. Off by
# default, so that a deployed panel carries nothing of the sandbox.
PANEL_SANDBOX_COMMAND = env.boolean("PANEL_SANDBOX_COMMAND", False)
if PANEL_SANDBOX_COMMAND:
    INSTALLED_APPS.append("plcloud_sandbox")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above WhiteNoise and the health answer, so that static files and /health/ carry it too.
    "plcloud_panel.csp.ContentSecurityPolicyMiddleware",
    # Before host validation and sessions: load balancers probe by IP address; see ops.middleware.
    "ops.middleware.HealthMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Right after the member is known; below WhiteNoise and /health/, so static files stay cacheable.
    "plcloud_panel.cache_headers.NeverCacheForMembersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks, so that it sees the outcome of every sign-in.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, loading the member's role and connection with them (one query).
    "accounts.backends.MemberBackend",
]
# Sign-in throttling (accounts/lockout.py, docs/security.md): failures within AXES_COOLOFF_MINUTES,
# counted three ways. A username from one address (AXES_FAILURE_LIMIT, 5): a member's typos lock
# that member there, and a stranger's guesses lock nobody else out. One address, whatever the
# usernames (AXES_IP_FAILURE_LIMIT, 20): password spraying from one client stops at 20 guesses a
# quarter hour, while an office behind one NAT is locked only if four members lock themselves out
# (5 each; a locked member's retries count nothing) within the same quarter hour. One username from
# any addresses (AXES_USERNAME_FAILURE_LIMIT, 20): a guesser rotating addresses stops there too, but
# never at an address the member signed in from in the last AXES_KNOWN_ADDRESS_DAYS.
AXES_FAILURE_LIMIT = env.integer("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_IP_FAILURE_LIMIT = env.integer("AXES_IP_FAILURE_LIMIT", 20, minimum=1)
AXES_USERNAME_FAILURE_LIMIT = env.integer("AXES_USERNAME_FAILURE_LIMIT", 20, minimum=1)
AXES_KNOWN_ADDRESS_DAYS = 30
AXES_COOLOFF_TIME = timedelta(minutes=env.integer("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# A refused sign-in counts no failure: a locked member retrying adds nothing to their address's
# count (so does not lock their office), and the lock ends AXES_COOLOFF_MINUTES after the last guess it counted.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

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
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASES = {"default": env.database("DATABASE_URL", "sqlite:///var/panel.sqlite3", BASE_DIR)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The quick start's web process and workers write to one file side by side. WAL: readers never
    # wait for the writer, nor it for them. timeout: SQLite's busy timeout, the seconds a writer
    # waits for another to commit before it gives up. IMMEDIATE: a transaction takes the
    # write lock when it begins, since one that reads first and then writes fails at once with
    # "database is locked", whatever the timeout, if another process wrote in between.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL",
    }
else:
    # A database host that does not answer at all (down, or a network that drops packets) must not
    # hold a page until gunicorn kills it: after 5 s the page says the database is unreachable.
    # libpq waits for ever by default; ?connect_timeout=N in DATABASE_URL sets another.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
# Connections kept between requests (checked before reuse): opening one, and for SQLite setting
# it up, cost more than the queries of a typical page.
DATABASES["default"]["CONN_MAX_AGE"] = env.integer("DB_CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
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
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(env.raw("MEDIA_ROOT", str(VAR_DIR / "media")))
# Request-log exports live here (never served by URL: only their owner downloads them, through a
# view); on several hosts this folder must be shared by web and workers.
EXPORT_ROOT = MEDIA_ROOT / "exports"

# The largest request body read. The largest form at its caps is a flush: 500,000 bytes of URLs
# and 100,000 of directories (cdn.validators, jobs.forms), at most 3 times that once URL-encoded
# (every byte as %XX), 1.8 MB; a larger body is refused before any form reads it, with a page
# saying so (ops.views.bad_request, 413) rather than Django's bare 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.integer("SESSION_COOKIE_AGE", 8 * 3600, minimum=300)
# Sessions live in the database only: one indexed query a page. Not in the cache: a Redis outage
# would sign everyone out or fail every page, and a session whose delete failed there could open
# pages again after its sign-out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Per-process memory by default; with several web processes set CACHE_URL to Redis, so that a
# member's change clears their cached reads in every process and the circuit breaker's state is
# shared (ops.checks warns in production without it). Redis being down costs the cached reads,
# never a page (plcloud_panel.cache).
CACHES = {"default": env.cache("CACHE_URL", "locmemcache://")}
# A member's CDN reads (the domain list, a domain's traffic, common URLs) and the domain page's
# tickets are cached this long, and cleared by their own changes (connections/member_cache.py).
CDN_CACHE_SECONDS = env.integer("CDN_CACHE_SECONDS", 15, minimum=0)
# The account's traffic summed over its domains (cdn/flow_sums.py) is read by a worker and kept;
# a page shows it and queues a refresh once it is older than this (seconds). 300: the 24-hour sum's
# window moves in 5-minute steps (the 7- and 30-day ones hourly and daily), so a fresher read shows
# the same figures, while each read costs one Plcloud call per domain.
CDN_TRAFFIC_REFRESH_SECONDS = env.integer("CDN_TRAFFIC_REFRESH_SECONDS", 300, minimum=10)
# A refresh reads the domains one after another for at most this long (seconds), then names those
# it did not get to. 120: under the tasks' soft time limit (150 s), with room for the last call's
# connection timeout and retries; at Plcloud's usual 0.1-0.3 s a call, several hundred domains.
CDN_TRAFFIC_READ_SECONDS = env.integer("CDN_TRAFFIC_READ_SECONDS", 120, minimum=1)
# A prefetch or flush job that has not ended this long after it was submitted is failed.
PREFETCH_DEADLINE_MINUTES = env.integer("PREFETCH_DEADLINE_MINUTES", 30, minimum=1)
# A log export not finished this long after it was submitted fails; its file is kept this long.
EXPORT_DEADLINE_MINUTES = env.integer("EXPORT_DEADLINE_MINUTES", 180, minimum=1)
EXPORT_EXPIRY_HOURS = env.integer("EXPORT_EXPIRY_HOURS", 72, minimum=1)
# Export limits, so one member cannot take the export workers or the disk from everyone else (a
# 31-day window of a busy domain is ~40 million entries, ~1 GB). Checked when an export is
# submitted, before anything is queued. Per member: exports queued, running or waiting at once
# (2: one long export and one short one), and megabytes (MiB) of exports created in the last 24
# hours (2048: two full-month exports of the busiest domain a day; a running export that crosses
# it finishes, see jobs.limits). For all members: megabytes the export folder may hold; a new
# export is refused when it is full and a running one stops rather than pass it (10240: ten
# full-month exports, on a disk that also holds the database).
EXPORT_MAX_ACTIVE = env.integer("EXPORT_MAX_ACTIVE", 2, minimum=1)
EXPORT_DAILY_MB = env.integer("EXPORT_DAILY_MB", 2048, minimum=1)
EXPORT_DISK_BUDGET_MB = env.integer("EXPORT_DISK_BUDGET_MB", 10240, minimum=1)
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
# Redis gives an unacknowledged message back after this long. It must be longer than any task
# can run, countdowns included (at most 60 s), or a slow task would run twice.
BROKER_VISIBILITY_TIMEOUT = env.integer("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=240)
BROKER_FOLDER = Path(env.raw("CELERY_BROKER_FOLDER", str(VAR_DIR / "broker")))
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(BROKER_FOLDER / "queue"),
        "data_folder_out": str(BROKER_FOLDER / "queue"),
        "control_folder": str(BROKER_FOLDER / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT}
)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_IGNORE_RESULT = True
# Two queues, each consumed by workers of its own (docs/deploy.md), so that long exports (a
# full-month export writes for many minutes, slice after slice) never hold back the short jobs:
# flushes, prefetch polls, ticket checks, heartbeats and the reconciler stay on the default queue.
# A retry goes back to the queue it came from, and the reconciler's re-send is routed by these.
CELERY_TASK_DEFAULT_QUEUE = "celery"
EXPORT_QUEUE = "exports"
CELERY_TASK_ROUTES = {"jobs.tasks.run_export": {"queue": EXPORT_QUEUE}}
# Losing nothing: a task is acknowledged only once it has run (acks_late), and given back to the
# queue if its worker process dies under it (reject_on_worker_lost). Every task is idempotent:
# it takes a job id, works under the job's lease and resumes from what the job row records, so
# running it again is safe. A worker reserves one message at a time (prefetch 1), so a crash
# strands no reserved work. Time limits stop a step that hangs (a step is short: a page, a poll
# or an export slice of EXPORT_SLICE seconds); the hard limit stays under the job lease, so a
# killed step's job is free again before anyone waits on it. A task that keeps killing its
# worker is not redelivered for ever: the job counts the leases it took over since it last made
# progress (JOB_MAX_CRASHES), and the reconciler re-queues only jobs no live worker holds.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 150
CELERY_TASK_TIME_LIMIT = 180
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A page that queues work must answer quickly when the broker is down: the job is saved either
# way and the reconciler queues it once the broker is back.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
# Seconds: a job's lease (renewed while a step works; must exceed CELERY_TASK_TIME_LIMIT), when
# a queued job nobody ran is queued again, how often the reconciler looks; and the crashes in a
# row without progress (a worker dying with nothing saved since the last one) before failing.
JOB_LEASE_SECONDS = env.integer("JOB_LEASE_SECONDS", 300, minimum=2)
JOB_REQUEUE_SECONDS = env.integer("JOB_REQUEUE_SECONDS", 120, minimum=1)
JOB_RECONCILE_SECONDS = env.integer("JOB_RECONCILE_SECONDS", 30, minimum=1)
JOB_MAX_CRASHES = env.integer("JOB_MAX_CRASHES", 3, minimum=1)
# Answers to a job's reads (a prefetch poll, a log page) that could not be read, in a row, before
# the job fails: reads are safe to repeat, so one bad answer is retried with the job's backoff.
# 10: at a 2% rate of bad answers ten in a row never happen in practice (1 in 10^17), and ten
# tries with the backoff span about two minutes: a proxy's maintenance page (an HTML 200) that
# lasts longer fails the job with the reason rather than keep it going until its deadline.
JOB_MAX_BAD_READS = env.integer("JOB_MAX_BAD_READS", 10, minimum=1)
# Beat: how often members' tickets are checked for new support replies, and how many members a
# run reads (one Plcloud call each; those checked longest ago first).
TICKET_CHECK_SECONDS = env.integer("TICKET_CHECK_SECONDS", 60, minimum=10)
TICKET_CHECK_MAX_MEMBERS = env.integer("TICKET_CHECK_MAX_MEMBERS", 200, minimum=1)
# /health/: each check's time bound, and the worker heartbeat beat sends (see ops.health).
HEALTH_CHECK_SECONDS = env.number("HEALTH_CHECK_SECONDS", 2.0, minimum=0.1)
# /health/ answers anyone: Plcloud's answer is reused this long (per process), so a flood of hits
# makes one Keystone call, not one each. 15 s is shorter than a load balancer takes to act (a few
# failed probes, 5-10 s apart), so an outage still shows within one of its probes; 0 asks every time.
HEALTH_PLCLOUD_SECONDS = env.number("HEALTH_PLCLOUD_SECONDS", 15.0, minimum=0)
WORKER_HEARTBEAT_SECONDS = env.integer("WORKER_HEARTBEAT_SECONDS", 30, minimum=5)
# No heartbeat answered for this long: /health/ reports the worker as down (degraded).
WORKER_STALE_SECONDS = env.integer("WORKER_STALE_SECONDS", 4 * WORKER_HEARTBEAT_SECONDS, minimum=10)
# How often beat looks for due alert rules; each rule is checked at most once per its own interval.
ALERT_CHECK_SECONDS = env.integer("ALERT_CHECK_SECONDS", 60, minimum=10)
CELERY_BEAT_SCHEDULE = {
    "ops.heartbeat": {
        "task": "ops.tasks.heartbeat",
        "schedule": float(WORKER_HEARTBEAT_SECONDS),
        "options": {"expires": float(WORKER_HEARTBEAT_SECONDS)},
    },
    "tickets.check_ticket_replies": {
        "task": "tickets.tasks.check_ticket_replies",
        "schedule": float(TICKET_CHECK_SECONDS),
        # A run not started before the next one is due is dropped, so runs never pile up.
        "options": {"expires": float(TICKET_CHECK_SECONDS)},
    },
    "alerts.check_alerts": {
        "task": "alerts.tasks.check_alerts",
        "schedule": float(ALERT_CHECK_SECONDS),
        "options": {"expires": float(ALERT_CHECK_SECONDS)},
    },
    "jobs.expire_exports": {"task": "jobs.tasks.expire_exports", "schedule": 600.0, "options": {"expires": 600.0}},
    "jobs.reconcile": {
        "task": "jobs.tasks.reconcile",
        "schedule": float(JOB_RECONCILE_SECONDS),
        "options": {"expires": float(JOB_RECONCILE_SECONDS)},
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
