"""Settings for Silver Portal, read from environment variables.

The embedded default needs no variables at all: SQLite under ``var/``, Celery in
eager mode, a local-memory cache and console SMS/voice. At scale the same code
runs with ``DATABASE_URL``, ``CELERY_BROKER_URL``, ``REDIS_URL`` and the Twilio
variables set. Every value is checked here, so a typo fails at start-up.
"""

import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from portal import queues
from portal.env import (
    env_bool,
    env_choice,
    env_hours,
    env_int,
    env_list,
    env_str,
    env_url,
    env_versioned_keys,
)
from portal.secrets import describe, missing_secrets

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DJANGO_ENV = env_choice("DJANGO_ENV", {"development", "production"}, "development")
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off when DJANGO_ENV=production.")

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_ENV=production "
            "(50 or more random characters)."
        )
    # Development only: a fixed, clearly labelled key so sessions survive restarts.
    SECRET_KEY = "django-insecure-development-only-never-use-in-production"  # noqa: S105
elif PRODUCTION and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")
):
    # The key signs sessions and password resets: a short or made-up one can be guessed.
    # The same test as Django's deployment check, but it stops the start instead of warning.
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is too weak for DJANGO_ENV=production: use 50 or more random "
        "characters (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DJANGO_ENV=production.")

# The address residents and Twilio use to reach the portal. Behind a TLS proxy
# this is the outside address, used to rebuild URLs for webhook signatures.
PUBLIC_BASE_URL = env_url(
    "PUBLIC_BASE_URL", {"http", "https"}, default="http://127.0.0.1:8000"
).rstrip("/")
if PRODUCTION and not PUBLIC_BASE_URL.startswith("https://"):
    # Links in messages, webhook signatures and CSRF_TRUSTED_ORIGINS are built from it:
    # over plain http they would send residents, and Twilio, to an address that can be read
    # and changed on the way.
    raise ImproperlyConfigured(
        "PUBLIC_BASE_URL must be the portal's https:// address when DJANGO_ENV=production "
        f"(now {PUBLIC_BASE_URL!r})."
    )
WAGTAILADMIN_BASE_URL = PUBLIC_BASE_URL

INSTALLED_APPS = [
    "portal.accounts",
    "portal.design",
    "portal.notifications",
    "portal.consent",
    "portal.audit",
    "portal.areas",
    "portal.ratings",
    "portal.journeys",
    "portal.privacy",
    "portal.practice",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "content",
    "services.taxi",
    "services.hospital",
    "services.learning",
    "services.applications",
    "assist",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.settings",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Wagtail's GinIndex needs this on PostgreSQL; it does nothing on SQLite.
    "django.contrib.postgres",
    "csp",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Kept content pages are served here, before anything below runs (content.page_cache).
    "content.page_cache.PageCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.design.csp.StyleHashesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # /practice/... : the rest of the path is the page; before the language is read from it.
    "portal.practice.middleware.PracticePathMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.accounts.staff_security.StaffSecurityMiddleware",
    # A practice page runs as a made-up resident, in its own session, and keeps nothing.
    "portal.practice.middleware.PracticeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.private_pages.PrivatePagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its "paused" page.
    "axes.middleware.AxesMiddleware",
]
# django-axes first: it refuses a locked-out name and device before any password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Residents signed in with a phone code: their user read from the session cache.
    "portal.accounts.resident_backend.ResidentBackend",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.design.context_processors.design",
                "content.context_processors.help_bar",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------

_DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"
_DATABASE_URL = env_url(
    "DATABASE_URL", {"sqlite", "postgres", "postgresql"}, default=_DEFAULT_DATABASE_URL
)
DATABASES = {"default": dj_database_url.parse(_DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    # WAL lets the web server read while a writer commits; the timeout waits
    # for a lock instead of failing at once when two requests write together.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file (not memory) so a separate server process can share it;
    # one per test run, so two runs side by side do not trip over each other.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-portal-{os.getpid()}.sqlite3")}
else:
    # PostgreSQL's JIT compiles the supervisor's counting queries for longer than they run
    # (measured with bench/dashboard.py); the portal's short queries never gain from it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -----------------------------------------------------------------


def caches_for(redis_url):
    """The CACHES setting for ``redis_url``, or local memory without one.

    Two caches, so each use decides what happens when Redis is down:

    - "default" fails open: a read gives nothing and a write is skipped, as if empty.
      Wagtail's page and site caches, the per-client request limits (django-ratelimit; the
      sign-in then counts clients in the database) and the taxi poller's marks live here;
      none of them may turn a Redis outage into a site outage.
    - "counters" raises, so its callers choose: the outbox's hourly totals count rows in
      the database instead (portal/notifications/limits.py).
    - "pages" (content.page_cache) and "sessions" (read before the database) fail open
      like "default". Without Redis they are files in ``CACHE_DIR``, not each process's
      memory, so a page cleared after an edit, or a session ended by signing out, is so for
      every web server process on the machine.
    """
    if not redis_url:
        caches = {
            name: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": name}
            for name in ("default", "counters")
        }
        folder = Path(os.environ.get("CACHE_DIR") or VAR_DIR / "cache")
        for name in ("pages", "sessions"):
            caches[name] = {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(folder / name),
                "OPTIONS": {"MAX_ENTRIES": 100_000},
            }
        return caches
    options = {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2}
    return {
        name: {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "portal" if name in ("default", "counters") else f"portal-{name}",
            "OPTIONS": {**options, "IGNORE_EXCEPTIONS": fail_open},
        }
        for name, fail_open in (
            ("default", True),
            ("counters", False),
            ("pages", True),
            ("sessions", True),
        )
    }


REDIS_URL = env_url("REDIS_URL", {"redis", "rediss"})
CACHES = caches_for(REDIS_URL)
# Content pages the same for every signed-out reader are kept whole (content.page_cache).
PAGE_CACHE = env_bool("PAGE_CACHE", default=True)
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 24 * 3600, minimum=1)
# Redis down: each skipped cache call is logged, so the outage is seen.
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "portal.cache"

# --- Celery ----------------------------------------------------------------

CELERY_BROKER_URL = env_url("CELERY_BROKER_URL", {"redis", "rediss", "amqp", "amqps"})
# No broker means the embedded default: tasks run in-process, at once.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = (
    env_url(
        "CELERY_RESULT_BACKEND",
        {"redis", "rediss", "django-db", "cache"},
        default=CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "",
    )
    or None
)
CELERY_TASK_DEFAULT_QUEUE = queues.DEFAULT
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 4
# Celery's Django fix-up closes the database connection after every task unless
# told to reuse it: a new PostgreSQL connection per message tripled task time.
CELERY_DB_REUSE_MAX = 1000
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Shanghai"
# When the broker is down, give up publishing quickly: the outbox row waits for the sweep.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULE = {
    "requeue-due-messages": {"task": "notifications.requeue_due", "schedule": 60.0},
    # Ask the dispatch provider about rides no event has come for; re-queue stuck requests.
    "poll-quiet-taxi-rides": {"task": "taxi.poll_quiet_rides", "schedule": 60.0},
    # Reminders the day before (the task itself keeps to daytime hours), and missed visits.
    "hospital-reminders": {"task": "hospital.send_reminders", "schedule": 15 * 60.0},
    "hospital-mark-missed": {"task": "hospital.mark_missed", "schedule": 15 * 60.0},
    # Learning sessions: reminders the day before (the task itself keeps to daytime hours).
    "learning-reminders": {"task": "learning.send_reminders", "schedule": 15 * 60.0},
    # One-time codes: wipe what ran out unsent, forget old sign-in code records.
    "forget-expired-secrets": {"task": "notifications.forget_expired_secrets", "schedule": 60.0},
    "forget-old-signin-codes": {"task": "accounts.forget_old_codes", "schedule": 3600.0},
    # Requests for help whose holder's time ran out go back to the waiting list.
    "assist-end-lapsed-leases": {"task": "assist.end_lapsed_leases", "schedule": 60.0},
    # Personal data kept longer than needed is forgotten (portal.retention), once a day.
    "forget-old-records": {"task": "portal.forget_old_records", "schedule": 24 * 3600.0},
    # Offer waiting requests, text people away from the desk, warn and escalate.
    "assist-offer-waiting": {"task": "assist.offer_waiting", "schedule": 60.0},
    # Last month's ratings on the service pages (the task keeps to its day of the month).
    "ratings-publish-results": {"task": "ratings.publish_results", "schedule": 3600.0},
}
# How long a volunteer holds a request for help without renewing it (minutes).
ASSIST_LEASE_MINUTES = env_int("ASSIST_LEASE_MINUTES", 10, minimum=1)
# When the help desk answers (Shanghai hours, "8-20" is [8:00, 20:00)): working days, other days.
ASSIST_HOURS_WORKDAY = env_hours("ASSIST_HOURS_WORKDAY", (8, 20))
ASSIST_HOURS_DAY_OFF = env_hours("ASSIST_HOURS_DAY_OFF", (9, 17))
# A closed request's notes and timeline notes are forgotten this many days after closing.
ASSIST_KEEP_DAYS = env_int("ASSIST_KEEP_DAYS", 180, minimum=1)
RATING_CHANGE_DAYS = env_int("RATING_CHANGE_DAYS", 7, minimum=0)  # a rating may be changed
# Last month's ratings are published on the service pages from this day of the month (Shanghai
# time), so the month's last poor ratings have had their working day to be followed up.
RATINGS_PUBLISH_DAY = min(28, env_int("RATINGS_PUBLISH_DAY", 3, minimum=1))
# At most one text a person on duty gets about the requests waiting for them (minutes).
ASSIST_SUMMARY_MINUTES = env_int("ASSIST_SUMMARY_MINUTES", 10, minimum=1)

# --- Retention ---------------------------------------------------------------
# How many days each kind of record is kept before the nightly task (portal.retention) deletes
# it or blanks what identifies the person. The privacy notice reads these same settings
# (portal.retention.schedule), so the page and the practice never disagree.
KEEP_RIDES_DAYS = env_int("KEEP_RIDES_DAYS", 365, minimum=1)  # after the ride was asked for
# Where residents started a service or were turned away (for the "left behind" figure).
KEEP_JOURNEY_DAYS = env_int("KEEP_JOURNEY_DAYS", 365, minimum=1)
KEEP_MESSAGES_DAYS = env_int("KEEP_MESSAGES_DAYS", 180, minimum=1)  # texts and calls, in and out
KEEP_AUDIT_DAYS = env_int("KEEP_AUDIT_DAYS", 1095, minimum=1)
KEEP_APPOINTMENTS_DAYS = env_int("KEEP_APPOINTMENTS_DAYS", 365, minimum=1)  # after the visit day
# The answers to an application (services.applications), after it was decided.
APPLICATIONS_KEEP_DAYS = env_int("APPLICATIONS_KEEP_DAYS", 365, minimum=1)
KEEP_SIGNIN_CODES_DAYS = env_int("KEEP_SIGNIN_CODES_DAYS", 1, minimum=1)
ACCOUNT_CLOSING_DAYS = env_int("ACCOUNT_CLOSING_DAYS", 7, minimum=1)  # to change one's mind
# (ASSIST_KEEP_DAYS, above, is the help requests' keep time.) Rows per batch: each batch is one
# short transaction, so no statement holds its locks for long.
RETENTION_BATCH = env_int("RETENTION_BATCH", 5000, minimum=1)

# --- SMS and voice ---------------------------------------------------------

_DOTTED_PATH = re.compile(r"^[A-Za-z_][\w.]*\.[A-Za-z_]\w*$")


def _backend(name, default):
    value = env_str(name, default)
    if not _DOTTED_PATH.match(value):
        raise ImproperlyConfigured(f"{name}={value!r} is not a dotted Python path.")
    return value


SMS_BACKEND = _backend("SMS_BACKEND", "portal.notifications.backends.console.ConsoleBackend")
VOICE_BACKEND = _backend("VOICE_BACKEND", "portal.notifications.backends.console.ConsoleBackend")
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN")
TWILIO_FROM_NUMBER = env_str("TWILIO_FROM_NUMBER")
# Only for tests and benchmarks: send the SDK's requests to a fake Twilio server.
TWILIO_API_BASE_URL = env_url("TWILIO_API_BASE_URL", {"http", "https"})
TWILIO_TIMEOUT_SECONDS = env_int("TWILIO_TIMEOUT_SECONDS", 10, minimum=1)
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 6, minimum=1)
NOTIFY_MAX_PER_RECIPIENT_PER_HOUR = env_int("NOTIFY_MAX_PER_RECIPIENT_PER_HOUR", 10, minimum=1)
NOTIFY_MAX_PER_HOUR = env_int("NOTIFY_MAX_PER_HOUR", 5000, minimum=1)
# Sign-in codes have a budget of their own, so bulk messages cannot starve them.
NOTIFY_MAX_CODES_PER_HOUR = env_int("NOTIFY_MAX_CODES_PER_HOUR", 3000, minimum=1)
NOTIFY_DUPLICATE_WINDOW_SECONDS = env_int("NOTIFY_DUPLICATE_WINDOW_SECONDS", 300, minimum=0)
# Delivery in batches: one task claims up to this many due rows of its queue in one statement,
# and stops sending after NOTIFY_BATCH_SECONDS (giving the rest back), so a sign-in code
# never waits long behind a batch. A published batch task is not published again for a row
# committed within NOTIFY_BATCH_WAIT_SECONDS: the waiting task claims it.
NOTIFY_BATCH_SIZE = env_int("NOTIFY_BATCH_SIZE", 50, minimum=1)
NOTIFY_BATCH_SECONDS = env_int("NOTIFY_BATCH_SECONDS", 2, minimum=1)
NOTIFY_BATCH_WAIT_SECONDS = env_int("NOTIFY_BATCH_WAIT_SECONDS", 10, minimum=1)
# No reminders from 21:00 to 08:00 local time; sign-in codes and urgent messages still go.
NOTIFY_QUIET_HOURS = (21, 8)
# The console backend (the embedded default's phone) keeps what it received here.
CONSOLE_PHONE_INBOX = env_str("CONSOLE_PHONE_INBOX", str(VAR_DIR / "console-phone.jsonl"))

# --- Taxi -------------------------------------------------------------------

TAXI_PROVIDER = _backend("TAXI_PROVIDER", "services.taxi.providers.simulated.SimulatedProvider")
# The simulated provider (demos and the embedded default): what it does, and how fast.
TAXI_SIMULATION = env_choice(
    "TAXI_SIMULATION", {"found", "none", "driver_cancels", "no_show"}, "found"
)
# Like a real city: a car found in tens of seconds, arriving in the minutes it announced (a
# simulated "minute" lasts TAXI_SIMULATION_MINUTE_SECONDS, so a demo can speed it up).
TAXI_SIMULATION_DELAY_SECONDS = env_int("TAXI_SIMULATION_DELAY_SECONDS", 30, minimum=0)
TAXI_SIMULATION_MINUTE_SECONDS = env_int("TAXI_SIMULATION_MINUTE_SECONDS", 60, minimum=0)
# The HTTP provider: a dispatch company's REST API, and the secret its webhooks are signed with.
TAXI_HTTP_BASE_URL = env_url("TAXI_HTTP_BASE_URL", {"http", "https"})
TAXI_HTTP_API_KEY = env_str("TAXI_HTTP_API_KEY")
TAXI_HTTP_WEBHOOK_SECRET = env_str("TAXI_HTTP_WEBHOOK_SECRET")
TAXI_HTTP_TIMEOUT_SECONDS = env_int("TAXI_HTTP_TIMEOUT_SECONDS", 5, minimum=1)
# With no event from the provider for this long, the portal asks it how the ride is going.
TAXI_POLL_AFTER_SECONDS = env_int("TAXI_POLL_AFTER_SECONDS", 120, minimum=10)

# --- Hospital booking --------------------------------------------------------

HOSPITAL_PROVIDER = _backend(
    "HOSPITAL_PROVIDER", "services.hospital.providers.builtin.BuiltInProvider"
)
# A hospital's own booking system, for the external provider.
HOSPITAL_EXTERNAL_BASE_URL = env_url("HOSPITAL_EXTERNAL_BASE_URL", {"http", "https"})
HOSPITAL_EXTERNAL_API_KEY = env_str("HOSPITAL_EXTERNAL_API_KEY")
HOSPITAL_EXTERNAL_TIMEOUT_SECONDS = env_int("HOSPITAL_EXTERNAL_TIMEOUT_SECONDS", 5, minimum=1)

# --- Identity numbers --------------------------------------------------------

# Keys of the keyed hash (HMAC-SHA256) kept of patients' ID numbers, newest first:
# "2:<key>,1:<older key>". The first hashes; the older ones still match (and a match is
# hashed again with the first), so a rotation loses nothing. Keys of their own, never
# DJANGO_SECRET_KEY (services/hospital/identity.py).
IDENTITY_HASH_KEYS = env_versioned_keys("IDENTITY_HASH_KEYS")
if not IDENTITY_HASH_KEYS:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "IDENTITY_HASH_KEYS is required when DJANGO_ENV=production: 1:<key> with a key of "
            "32 or more random characters (python -c 'import secrets; "
            "print(secrets.token_urlsafe(32))'), not DJANGO_SECRET_KEY."
        )
    # Development only: a fixed, clearly labelled key so identities match across restarts.
    IDENTITY_HASH_KEYS = [(1, "development-only-identity-hash-key-never-use-in-production")]
elif PRODUCTION:
    for _version, _key in IDENTITY_HASH_KEYS:
        if len(_key) < 32 or len(set(_key)) < 5 or _key.startswith("development-only"):
            raise ImproperlyConfigured(
                f"IDENTITY_HASH_KEYS: the key of version {_version} is too weak for "
                "DJANGO_ENV=production: use 32 or more random characters."
            )
        if _key == SECRET_KEY:
            raise ImproperlyConfigured(
                f"IDENTITY_HASH_KEYS: the key of version {_version} is DJANGO_SECRET_KEY; "
                "ID numbers need a key of their own."
            )

# --- Secrets ------------------------------------------------------------------

# Every secret above comes only from the environment (no default in the code); in production
# a provider chosen without its secret stops the start, naming the variable (portal/secrets.py).
if PRODUCTION and (_missing := missing_secrets(globals())):
    raise ImproperlyConfigured(describe(_missing))

# --- Accounts --------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
PHONE_DEFAULT_REGION = env_str("PHONE_DEFAULT_REGION", "CN")
# Where sign-in codes may go: mainland China, Hong Kong, Macao and Taiwan.
PHONE_CODE_REGIONS = env_list("PHONE_CODE_REGIONS", ["CN", "HK", "MO", "TW"])
LOGIN_URL = "signin"
WAGTAILADMIN_LOGIN_URL = "wagtailadmin_login"
# Residents stay signed in on their own device: 30 days, renewed when they use it. The
# session is saved only when it changed: StaffSecurityMiddleware renews it at most once
# a day (a write on every request made read-only pages fail under SQLite's write lock).
SESSION_COOKIE_AGE = 30 * 24 * 3600
SESSION_SAVE_EVERY_REQUEST = False
# Sessions are read from the "sessions" cache (Redis, or files shared by every process) and
# written to it and the database: one query less on every signed-in page.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_CACHE_ALIAS = "sessions"
SESSION_RENEW_SECONDS = 24 * 3600
# Staff: password plus authenticator, 30 minutes idle and 12 hours at most; the idle
# time-out is pushed back at most once a minute.
STAFF_IDLE_SECONDS = 30 * 60
STAFF_SESSION_MAX_SECONDS = 12 * 3600
STAFF_SESSION_RENEW_SECONDS = 60
OTP_TOTP_ISSUER = "Silver Portal"
SIGNIN_CODE_VALID_SECONDS = 10 * 60
# Changing the phone number, adding a family proxy or giving consent needs a code
# entered within this long.
FRESH_CODE_SECONDS = 10 * 60
SIGNIN_MAX_WRONG_TRIES = 5
SIGNIN_THROTTLE_FACTOR = env_int("SIGNIN_THROTTLE_FACTOR", 1, minimum=0)
# Limits on asking for codes and guessing them (portal/accounts/code_limits.py): per client
# and per browser session in 10 minutes, per number and client in an hour, per number from
# everyone in an hour, and wrong guesses per client in 10 minutes.
SIGNIN_CODES_PER_CLIENT = env_int("SIGNIN_CODES_PER_CLIENT", 10, minimum=1)
SIGNIN_CODES_PER_SESSION = env_int("SIGNIN_CODES_PER_SESSION", 5, minimum=1)
SIGNIN_CODES_PER_NUMBER_PER_CLIENT = env_int("SIGNIN_CODES_PER_NUMBER_PER_CLIENT", 5, minimum=1)
SIGNIN_CODES_PER_NUMBER = env_int("SIGNIN_CODES_PER_NUMBER", 20, minimum=1)
SIGNIN_GUESSES_PER_CLIENT = env_int("SIGNIN_GUESSES_PER_CLIENT", 30, minimum=1)
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = True  # with Redis down, code_limits counts clients in the database
RATELIMIT_IP_META_KEY = "portal.accounts.clients.client_ip"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages -------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
# Staff see Shanghai time everywhere in the admin: no other zone to pick in their profile.
WAGTAIL_USER_TIME_ZONES = ["Asia/Shanghai"]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# --- Static and media files ------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
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
# Serve files straight from the apps in development so no collectstatic is needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# --- Wagtail ---------------------------------------------------------------

WAGTAIL_SITE_NAME = "长者服务门户 Silver Portal"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "txt"]
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Security --------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# A form sent with an out-of-date token: the portal's own page, in the page's language, with
# a button back to the form (not Django's bare page).
CSRF_FAILURE_VIEW = "portal.design.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script anywhere on residents' pages; the one inline <style> (the whole
# stylesheet, inlined for page weight) carries a per-response nonce. The Wagtail
# admin needs inline script of its own, so it is left to Wagtail's defaults.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # Inline stylesheets are allowed by their hashes (portal.design.csp), not a nonce,
        # so a page kept in the page cache keeps a true policy.
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = [PUBLIC_BASE_URL]
# Only trust X-Forwarded-Proto and X-Forwarded-For when a proxy we run sets them.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Wagtail logs every page edit and background task at INFO, the Twilio SDK every request
    # with its headers: too chatty for a console.
    "loggers": {
        name: {"level": "WARNING"}
        for name in ("wagtail", "django_tasks", "modelsearch", "twilio", "axes")
    },
}

# --- Staff password guesses ---------------------------------------------------

# django-axes counts wrong passwords at the staff sign-in (/admin/login/). Five for one
# name from one address pause that name there for 15 minutes; the same name from any
# other address still works, so a stranger cannot lock a staff member out everywhere.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 15 / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/staff_locked_out.html"
# No row per successful sign-in: residents' usernames are their phone numbers.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# The same client address as the sign-in code limits: behind our own proxy, the one the
# proxy saw (else every guess would seem to come from the proxy, and lock a name everywhere).
AXES_CLIENT_IP_CALLABLE = "portal.accounts.clients.client_ip"
