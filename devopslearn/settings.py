"""Settings for DevOps Learn, read from the environment.

One base for every environment (healthchecks' hc/settings.py is the model): production differs
only by the variables it sets. ``settings_test`` makes a small override for the test suite.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from devopslearn.env import behind_tls_proxy, env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # Never serve production with a key everybody knows.
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("Set SECRET_KEY (50+ random characters), or DEBUG=1 for development.")
    SECRET_KEY = "django-insecure-development-only-key-not-for-production-use-0123456789"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_NAME = "DevOps Learn"
# The address the site is reached at, for every link in an e-mail (password reset, address
# confirmation): never taken from a request's Host header. Without SITE_URL: the first of
# ALLOWED_HOSTS (https with SECURE_HTTPS), or the development server's address.
_first_host = next((h.lstrip(".") for h in ALLOWED_HOSTS if h not in ("*", "")), "127.0.0.1:8000")
SITE_URL = (os.environ.get("SITE_URL") or f"{'https' if env_bool('SECURE_HTTPS') else 'http'}://{_first_host}").rstrip(
    "/"
)

INSTALLED_APPS = [
    "modeltranslation",  # before the admin: its admin classes show each language's field
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # the stored search vectors of lessons (a column type; harmless on SQLite)
    "django_htmx",
    "axes",
    "django_tasks_db",
    "crontask",  # the scheduler of periodic tasks (quizzes.tasks): manage.py crontask
    "accounts",
    "courses",
    "quizzes",
    "labs",
    "progress",
    "cohorts",
    "authoring",
    "demo",
]

MIDDLEWARE = [
    "devopslearn.lib.middleware.RequestLogMiddleware",
    "devopslearn.lib.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "devopslearn.lib.middleware.LoginRedirectMiddleware",
    "devopslearn.lib.middleware.PersonalPagesMiddleware",
    "devopslearn.lib.middleware.MethodNotAllowedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    # Last, so that a locked-out login is answered before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "devopslearn.urls"
WSGI_APPLICATION = "devopslearn.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "builtins": [],
            "libraries": {
                "site": "devopslearn.lib.sitetags",
                "numbers": "devopslearn.lib.numbers",
                "pages": "devopslearn.lib.pagetags",
                "translated": "devopslearn.lib.translated",
            },
        },
    }
]

# --- Database ------------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at the start of
    # a transaction, so two gunicorn workers queue on the busy timeout instead of failing with
    # "database is locked" halfway through.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    (BASE_DIR / "var").mkdir(exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.throttle.AddressThrottleBackend",  # a limit per address across usernames
    "accounts.backends.UserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2 (Django's recommended hasher, argon2-cffi) with OWASP's parameters (accounts/hashers.py:
# Django's defaults measured 0.35-0.8 s a hash here, over the login's 0.3 s goal). The PBKDF2
# hashers stay listed so that stored PBKDF2 hashes still verify; they are rewritten as Argon2 at the
# next login.
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "courses:home"
LOGOUT_REDIRECT_URL = "courses:home"
DEFAULT_USER_TIME_ZONE = "Asia/Ho_Chi_Minh"

# Login throttling (django-axes): five failures for one account from one address lock that pair for
# fifteen minutes. Behind proxies, TRUSTED_PROXY_COUNT says how many trusted proxies append to
# X-Forwarded-For, so that the client's own address is the one counted (devopslearn/lib/client_ip.py).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "devopslearn.lib.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "accounts.throttle.axes_username"  # any spelling of a name shares one count
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # an audit trail of failed logins, readable in the admin
AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = 200

# What costs a password hash or sends an e-mail is also limited per client address, across
# usernames, and per account (accounts/throttle.py): scope -> (events, seconds). A refused request
# gets a plain "Too many attempts from your network" (429). Sized for a classroom behind one address.
ACCOUNT_THROTTLES = {
    "login-address": (40, 15 * 60),  # failed logins from one address, whatever the usernames
    "signup-address": (50, 60 * 60),  # accounts created from one address
    "reset-address": (10, 60 * 60),  # password-reset requests from one address
    "reset-account": (3, 60 * 60),  # reset mails to one account (beyond: silently none)
    "mail-address": (5, 60 * 60),  # address-confirmation mails to one address (beyond: silently none)
}
# Sign-up and password reset answer no sooner than this after the request arrives, so that their
# timing does not tell whether an address has an account (raise it if sending a mail takes longer).
ACCOUNT_ANSWER_SECONDS = float(os.environ.get("ACCOUNT_ANSWER_SECONDS", "0.5"))

# --- E-mail --------------------------------------------------------------------------------------
# SMTP from the environment in production; the console in development (DEBUG=1) or when asked
# (EMAIL_CONSOLE=1, as `make run` does, so the demo prints password-reset links).
if DEBUG or env_bool("EMAIL_CONSOLE"):
    # Printed as written (8-bit, long lines kept), so that a link copied from the terminal works.
    MAILERS = {"default": {"BACKEND": "devopslearn.lib.console_mail.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "587" if os.environ.get("EMAIL_HOST") else "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", bool(os.environ.get("EMAIL_HOST"))),
                "timeout": 10,
            },
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "DevOps Learn <noreply@devopslearn.local>")

# --- Internationalisation ------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("vi", _("Vietnamese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]  # compiled by `make setup` (pybabel; see the Makefile)
# Dates as each language writes them ("29 November 2026", "29 tháng 11, 2026"): devopslearn/formats/.
FORMAT_MODULE_PATH = ["devopslearn.formats"]
USE_I18N = True
# The curriculum's texts in each language (courses/translation.py and its twins in quizzes and labs):
# title_en and title_vi beside each other; a text missing in Vietnamese reads in English, and the
# page says so (devopslearn/lib/translated.py).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "en"  # slugs come from the English title
# A row created with title=... (a report imported by a staff member reading in Vietnamese) gets its
# English column too: every text exists in English, the language every other one falls back to.
MODELTRANSLATION_AUTO_POPULATE = "default"
# A lesson's stored search vector, a column per language like the folded text it is computed from.
MODELTRANSLATION_CUSTOM_FIELDS = ("SearchVectorField",)
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static files --------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Caching, sessions and background tasks --------------------------------------------------------
# Embedded (one machine, no REDIS_URL): caches in each process's memory, sessions in the database,
# the task queue in the database. Scaled out (REDIS_URL=redis://host:6379/0): one Redis shared by
# every app server and worker holds the caches, the sessions' cache and the task queue (RQ), so that
# any number of stateless app servers and grading workers run side by side (docs/scaling.md).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "devopslearn",
        },
        # Fragments are keyed by everything they show (content marker, learner state): shared by
        # every instance, a state rendered once is served everywhere.
        "fragments": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "devopslearn-fragments",
            "TIMEOUT": 3600,
        },
    }
    # Sessions are written through to the database and read from the shared cache: a logout deletes
    # the one cached copy every instance reads, so it holds on every instance at once.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # The task queue: RQ (django-rq's queues, each on the same Redis), served by
    # `manage.py rqworker labs --job-class django_tasks_rq.Job` (bin/with-graders with TASKS_BACKEND).
    RQ_QUEUES = {name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 300} for name in ("default", "labs")}
    INSTALLED_APPS.append("django_rq")
    _default_tasks_backend = "django_tasks_rq.RQBackend"
else:
    # Sessions live in the database, read with one plain query (accounts.sessions): every worker sees
    # a logout at once, which a per-worker session cache would not.
    SESSION_ENGINE = "accounts.sessions"
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "devopslearn",
        },
        # Rendered page fragments, keyed by everything they show (content marker, learner state): a
        # worker renders a state once and serves it from memory after. Never holds a form or a token.
        "fragments": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "devopslearn-fragments",
            "TIMEOUT": 3600,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
    }
    _default_tasks_backend = "django_tasks_db.DatabaseBackend"

# Lab grading is a django.tasks task on the "labs" queue. The embedded default keeps the queue in the
# database and `make run` starts its worker (`manage.py db_worker --queue-name labs`) beside gunicorn;
# with REDIS_URL it is RQ. Any other django.tasks backend works by settings alone (TASKS_BACKEND), as
# long as it serves the "labs" queue.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", _default_tasks_backend),
        "QUEUES": ["default", "labs"],
    }
}
# The labs' grading sandbox (labs/sandbox.py): limits per grading, and what to do where no sandbox
# can be made (grading is refused with a clear message; it never runs unsandboxed).
LABS_CHECKS_PER_MINUTE = int(os.environ.get("LABS_CHECKS_PER_MINUTE", "10"))
LABS_RESULT_DAYS = 30  # stored task results older than this are pruned (manage.py prune_lab_tasks)
# Grading workers import the heavy tools once and fork a sandboxed child per grading (labs/tools.py).
LABS_PRELOAD_TOOLS = True

# --- Security ------------------------------------------------------------------------------------
SECURE_HTTPS = env_bool("SECURE_HTTPS")
SECURE_SSL_REDIRECT = SECURE_HTTPS
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_HSTS_SECONDS = 31536000 if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
if behind_tls_proxy():  # gunicorn.conf.py trusts the proxy's headers under the same condition
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "devopslearn.lib.errors.csrf_failure"  # "Your session changed: reload the page"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from <body hx-headers>, not from the cookie
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# Request size: a body over 3 MB is refused with 400 before it is read (nothing here takes uploads);
# form data over 2.5 MB or 1,000 fields is refused by Django with 400 too.
MAX_REQUEST_BODY = 3 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Metrics: /metrics in Prometheus' format (devopslearn/lib/metrics.py), off unless METRICS=1 ------
METRICS = env_bool("METRICS")

# --- Logging: one JSON line per request on stdout --------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "devopslearn.lib.logging.JsonFormatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Requests are logged by RequestLogMiddleware; keep Django's own copy of 4xx lines quiet.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "cfnlint": {"level": "WARNING"},  # lab grading: one INFO line per template otherwise
        "apscheduler": {"level": "WARNING"},  # the periodic-task scheduler: two INFO lines per run otherwise
    },
}
