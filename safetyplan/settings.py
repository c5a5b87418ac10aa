"""Settings, all driven by environment variables (see README.md, 配置)."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"环境变量 {name} 应为 true 或 false，实际为 {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"环境变量 {name} 应为整数，实际为 {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


VAR_DIR = Path(env_str("SAFETYPLAN_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """From the environment, or generated once into var/ so that local runs need no setup."""
    key = env_str("SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "units",
    "tasks",
    "importers",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "units.middleware.ForcePasswordChangeMiddleware",
]

ROOT_URLCONF = "safetyplan.urls"
WSGI_APPLICATION = "safetyplan.wsgi.application"

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
                "units.context_processors.roles",
                "units.context_processors.reminders",
            ],
        },
    },
]


def database_config(url: str) -> dict:
    """One database from a URL; SQLite gets the pragmas a small office server needs."""
    config = dj_database_url.parse(
        url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    pool = env_bool("DB_POOL", False)
    if pool and config["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DB_POOL=true 只适用于 PostgreSQL（DATABASE_URL=postgres://…）。"
        )
    if pool:
        # psycopg's pool, shared by the threads of a worker; Django refuses CONN_MAX_AGE with it.
        config["CONN_MAX_AGE"] = 0
        config.setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DB_POOL_MIN", 2),
            "max_size": env_int("DB_POOL_MAX", 10),
            "timeout": env_int("DB_POOL_TIMEOUT", 10),
        }
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config.setdefault("OPTIONS", {}).update(
            {
                # WAL lets readers go on while one writer writes; IMMEDIATE makes a writer
                # wait for the lock at BEGIN instead of failing halfway through.
                "init_command": (
                    "PRAGMA busy_timeout=5000; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                ),
                "transaction_mode": "IMMEDIATE",
            }
        )
    return config


# SQLite under var/ unless DATABASE_URL names another database (PostgreSQL in production).
DATABASES = {
    "default": database_config(env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
# Every screen is Chinese whatever the browser asks for (no LocaleMiddleware).
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"

# Uploads: notices and evidence files. Larger files are refused with a Chinese message.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# All the evidence files of one progress report together.
REPORT_MAX_TOTAL_BYTES = env_int("REPORT_MAX_TOTAL_BYTES", 50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_TIMEOUT_SECONDS = env_int("IMPORT_TIMEOUT_SECONDS", 60)

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"

# HTTPS by default; an intranet served over plain HTTP sets SAFETYPLAN_HTTPS=false. Tests
# talk plain HTTP to the test client and to the live server that the browser tests drive.
TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]
HTTPS = env_bool("SAFETYPLAN_HTTPS", not DEBUG and not TESTING)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
else:
    # Plain HTTP on an intranet is a deliberate choice (SAFETYPLAN_HTTPS=false): say so once
    # in the environment rather than in every `check --deploy`.
    SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008", "security.W012", "security.W016"]

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "safetyplan@localhost")
# 催办 (manage.py send_reminders): remind of items due within this many days, today included;
# SITE_URL (e.g. https://aqb.example.gov.cn) puts links to the items into the e-mails.
REMINDER_DAYS = env_int("REMINDER_DAYS", 3)
SITE_URL = env_str("SITE_URL")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# ---- Hardening (issue 7; docs/security.md) ------------------------------------------------
# Content-Security-Policy without inline script or style (safetyplan/middleware.py).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "safetyplan.middleware.ContentSecurityPolicyMiddleware",
)
# The cache holds the login-failure counts and the figures of a whole city or province
# (tasks/figures.py). It must be shared by every worker process: by default a folder under
# var/ (tests: memory). CACHE_BACKEND / CACHE_LOCATION choose another (e.g. Redis, if any).
CACHES = {
    "default": {
        "BACKEND": env_str(
            "CACHE_BACKEND",
            "django.core.cache.backends.locmem.LocMemCache"
            if TESTING
            else "django.core.cache.backends.filebased.FileBasedCache",
        ),
        "LOCATION": env_str("CACHE_LOCATION", "safetyplan" if TESTING else str(VAR_DIR / "cache")),
    }
}
# Seconds a city's or province's figures may be old before the next look recomputes them;
# `manage.py refresh_figures` every minute recomputes them before anyone looks.
FIGURES_MAX_AGE = env_int("FIGURES_MAX_AGE", 60)
# Login throttling (units/throttle.py): failures per username / per client address within the
# window lock that username / address for LOGIN_LOCKOUT_SECONDS. Behind a reverse proxy, name
# the header it sets with the client's address (e.g. HTTP_X_REAL_IP), or every user shares one.
LOGIN_FAILURES_PER_USER = env_int("LOGIN_FAILURES_PER_USER", 5)
LOGIN_FAILURES_PER_IP = env_int("LOGIN_FAILURES_PER_IP", 30)
LOGIN_FAILURE_WINDOW = env_int("LOGIN_FAILURE_WINDOW", 15 * 60)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
LOGIN_THROTTLE_IP_HEADER = env_str("LOGIN_THROTTLE_IP_HEADER")
AUTHENTICATION_BACKENDS = [
    "units.throttle.LoginThrottleBackend",
    # ModelBackend whose get_user loads role, profile and jurisdiction in one query.
    "units.backends.RoleBackend",
]
# Office computers are shared: the session ends with the browser, and after SESSION_COOKIE_AGE
# (8 hours) at the latest.
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
# The same validators, with the minimum length said in Chinese (units/validators.py).
AUTH_PASSWORD_VALIDATORS = [
    {
        **validator,
        "NAME": "units.validators.MinimumLengthValidator",
    }
    if validator["NAME"].endswith(".MinimumLengthValidator")
    else validator
    for validator in AUTH_PASSWORD_VALIDATORS
]
