"""Medvirke settings: one file, driven by environment variables (see README "Configuration").

Defaults give a local SQLite demo; production sets MEDVIRKE_DEBUG=0, MEDVIRKE_SECRET_KEY,
MEDVIRKE_ALLOWED_HOSTS and DATABASE_URL.
"""

import os
import sys
from collections.abc import Mapping
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# pytest imports settings once; tests need plain static storage (no manifest from collectstatic).
TESTING = "pytest" in sys.modules

DEBUG = env_bool("MEDVIRKE_DEBUG", False)
# The fallback key starts with "django-insecure" so `check --deploy` refuses it in production.
SECRET_KEY = os.environ.get(
    "MEDVIRKE_SECRET_KEY", "django-insecure-medvirke-local-development-key-not-for-production"
)
ALLOWED_HOSTS = env_list("MEDVIRKE_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("MEDVIRKE_CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("MEDVIRKE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "medvirke.core",
    "medvirke.accounts",
    "medvirke.organisations",
    "medvirke.representatives",
    "medvirke.bodies",
    "medvirke.meetings",
    "medvirke.portal",
    "medvirke.demo",  # only for `load_demo`; it has no models
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_tasks_db",  # the task queue table that `medvirke worker` reads
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "medvirke.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "medvirke.organisations.middleware.RequireMFAForStaffMiddleware",
]

ROOT_URLCONF = "medvirke.urls"
WSGI_APPLICATION = "medvirke.wsgi.application"

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
                # The person's menu, organisation switcher and unread count (one query).
                "medvirke.bodies.context_processors.layout",
            ],
            # {% form_once %} next to {% csrf_token %} in every form that creates something.
            "builtins": ["medvirke.core.templatetags.form_once"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{PROJECT_DIR / 'medvirke.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue (busy timeout) instead of failing mid-transaction with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        ),
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The default cache is shared by every worker: allauth keeps its login rate limits and its
# record of used TOTP codes there, and a per-process cache would multiply the limit by the
# number of workers and let a used code through on another worker. Django's DatabaseCache on
# the project database needs nothing more (its table is made by `migrate`, core/caching.py);
# Redis when MEDVIRKE_REDIS_URL is set (needs `pip install redis`). Pages are not cached.
MEDVIRKE_REDIS_URL = os.environ.get("MEDVIRKE_REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": MEDVIRKE_REDIS_URL}
        if MEDVIRKE_REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "medvirke_cache",
            # Past MAX_ENTRIES Django drops expired rows, then live ones: with its default of
            # 300, failed logins under 300 made-up e-mails would wipe a real account's counter.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    ),
}

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("MEDVIRKE_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_ADAPTER = "medvirke.accounts.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Medvirke] "
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = False if TESTING else {}
# Behind the reverse proxy every request comes from its address; the per-IP login limit, shared
# by all workers, would then lock everyone out after a few failures. Take the address the proxy
# saw (the last X-Forwarded-For entry, which the client cannot forge past one proxy).
ALLAUTH_TRUSTED_PROXY_COUNT = 1 if env_bool("MEDVIRKE_BEHIND_PROXY", False) else 0
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Medvirke"
# A TOTP code counts once: the one typed to activate cannot also sign in (accounts/mfa.py).
MFA_FORMS = {
    "activate_totp": "medvirke.accounts.mfa.ActivateTOTPForm",
    "authenticate": "medvirke.accounts.mfa.AuthenticateForm",
    "reauthenticate": "medvirke.accounts.mfa.ReauthenticateForm",
}
# Platform operators (superusers, admin access) and staff (any role in an organisation) must
# set up TOTP before using the app when this is on; checked on every request.
MEDVIRKE_REQUIRE_MFA_FOR_STAFF = env_bool("MEDVIRKE_REQUIRE_MFA_FOR_STAFF", not DEBUG)
SOCIALACCOUNT_ADAPTER = "medvirke.accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False


# The assurance levels each provider knows, lowest first: a login must come back at or above
# the lowest level in _ACR_VALUES (medvirke/accounts/oidc/levels.py).
_OIDC_ACR_LEVELS = {
    "idporten": "idporten-loa-low idporten-loa-substantial idporten-loa-high",
}


def _oidc_provider(
    key: str, name: str, default_scope: str, environ: Mapping[str, str] = os.environ
) -> dict | None:
    """One OpenID Connect app from MEDVIRKE_OIDC_<KEY>_* variables, or None when not configured."""
    prefix = f"MEDVIRKE_OIDC_{key.upper()}_"
    client_id = environ.get(prefix + "CLIENT_ID")
    server_url = environ.get(prefix + "SERVER_URL")
    if not (client_id and server_url):
        return None
    acr_values = environ.get(prefix + "ACR_VALUES", "").strip()
    return {
        "provider_id": key,
        "name": name,
        "client_id": client_id,
        "secret": environ.get(prefix + "SECRET", ""),
        "settings": {
            "server_url": server_url,
            "token_auth_method": environ.get(prefix + "TOKEN_AUTH_METHOD", "client_secret_post"),
            "oauth_pkce_enabled": True,
            "scope": environ.get(prefix + "SCOPE", default_scope).split(),
            "auth_params": {"acr_values": acr_values} if acr_values else {},
            "acr_levels": environ.get(prefix + "ACR_LEVELS", _OIDC_ACR_LEVELS.get(key, "")).split(),
            # private_key_jwt (HelseID): a PEM or JWK, or the path of a file holding it.
            "private_key": environ.get(prefix + "PRIVATE_KEY", ""),
            "key_id": environ.get(prefix + "KEY_ID", ""),
            "client_assertion_audience": environ.get(prefix + "ASSERTION_AUDIENCE", "issuer"),
        },
    }


OIDC_APPS = [
    app
    for app in (
        _oidc_provider("idporten", "ID-porten", "openid profile"),
        _oidc_provider("helseid", "HelseID", "openid profile email"),
        _oidc_provider("feide", "Feide", "openid profile email"),
    )
    if app
]
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "APPS": OIDC_APPS,
        # allauth's provider plus private_key_jwt and a level that a login URL cannot lower.
        "provider_class": "medvirke.accounts.oidc.provider.OIDCProvider",
    }
}

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "medvirke_language"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("MEDVIRKE_STATIC_ROOT", PROJECT_DIR / "staticfiles"))
_DIGDIR = PROJECT_DIR / "node_modules" / "@digdir"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/designsystemet-css", _DIGDIR / "designsystemet-css" / "dist" / "src"),
    ("vendor/designsystemet-theme", _DIGDIR / "designsystemet-theme" / "brand"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDVIRKE_MEDIA_ROOT", PROJECT_DIR / "media"))
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# --- E-mail -----------------------------------------------------------------------------------
# Django 6.1 mailers. Console in the demo, SMTP in production; the test runner swaps in locmem.
_EMAIL_BACKEND = os.environ.get(
    "MEDVIRKE_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_EMAIL_OPTIONS: dict[str, object] = {}
if _EMAIL_BACKEND.endswith("smtp.EmailBackend"):
    _EMAIL_OPTIONS = {
        "host": os.environ.get("MEDVIRKE_EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("MEDVIRKE_EMAIL_PORT", "25")),
        "username": os.environ.get("MEDVIRKE_EMAIL_HOST_USER", ""),
        "password": os.environ.get("MEDVIRKE_EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("MEDVIRKE_EMAIL_USE_TLS", False),
        "timeout": 20,
    }
elif _EMAIL_BACKEND.endswith("filebased.EmailBackend"):
    _EMAIL_OPTIONS = {
        "file_path": os.environ.get("MEDVIRKE_EMAIL_FILE_PATH", str(PROJECT_DIR / "sent-mail"))
    }
MAILERS = {"default": {"BACKEND": _EMAIL_BACKEND, "OPTIONS": _EMAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = os.environ.get("MEDVIRKE_FROM_EMAIL", "Medvirke <ikke-svar@medvirke.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Drift", a) for a in env_list("MEDVIRKE_ADMINS")]

# --- Security ---------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10  # a working day; staff handle personal data
SECURE_SSL_REDIRECT = env_bool("MEDVIRKE_SSL_REDIRECT", not DEBUG and not TESTING)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("MEDVIRKE_BEHIND_PROXY", False) else None
)
SECURE_HSTS_SECONDS = 0 if DEBUG else 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Strict CSP: our own files only, no inline script or style. The TOTP QR code is a data: image.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF, *[a["settings"]["server_url"] for a in OIDC_APPS]],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- Background work --------------------------------------------------------------------------
# E-mails go through django.tasks. They are queued in the database (django-tasks-db) and sent by
# `medvirke worker` (started by `medvirke serve` and `medvirke demo`), which also runs the daily
# jobs (core/scheduler.py), so a slow or failing mail server never holds up a request. Tests run
# every task at once, in the request, unless a test configures the database backend itself.
TASKS_IMMEDIATE = env_bool("MEDVIRKE_TASKS_IMMEDIATE", TESTING)
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if TASKS_IMMEDIATE
        else "django_tasks_db.DatabaseBackend"
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MEDVIRKE_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
