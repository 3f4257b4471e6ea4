"""Settings of the Cities #WithRefugees platform: one module, driven by the environment.

Every value comes from an environment variable with a safe local default (documented in
README.md). The same code runs on SQLite with the embedded task worker and on PostgreSQL +
Redis. ``DEPLOYMENT=production`` changes only defaults: it requires ``SECRET_KEY`` and turns
on the HTTPS settings (redirect, HSTS, secure cookies), each of which can still be switched
off by its own variable.
"""

import ipaddress
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()


def _local_secret_key() -> str:
    """A random key kept in ``var/secret_key`` so sessions survive restarts locally."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(get_random_secret_key())
        path.chmod(0o600)
    return path.read_text().strip()


def _weak_secret_key(key: str) -> bool:
    """Django's rule for a secret key (check security.W009/W025): at least 50 characters,
    at least 5 different ones, not Django's ``django-insecure-`` development prefix; and no
    "<", ">" or spaces, which mean the README's placeholder was copied as it is."""
    return (len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-")
            or any(ch in key for ch in "<> \t"))


# "local" (default): a key per machine is fine. "production": the secure defaults below, and
# no start without SECRET_KEY, which must be the same on every server and task worker
# (sessions, CSRF tokens and emailed confirmation links are signed with it).
DEPLOYMENT = env.str("DEPLOYMENT", default="local")
if DEPLOYMENT not in ("local", "production"):
    raise ImproperlyConfigured(f"DEPLOYMENT must be 'local' or 'production', not {DEPLOYMENT!r}.")
PRODUCTION = DEPLOYMENT == "production"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "DEPLOYMENT=production needs SECRET_KEY: set the same long random value on every "
            "app server and task worker (a key generated per host breaks sessions and "
            "confirmation links). See README.md, 'Behind a reverse proxy / in production'."
        )
    SECRET_KEY = _local_secret_key()
elif PRODUCTION and _weak_secret_key(SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY looks like a placeholder or is too short: generate one with "
        "python3 -c \"import secrets; print(secrets.token_urlsafe(50))\" and use it on every "
        "app server and task worker."
    )
# Former keys, still accepted for signatures made with them while a new key is rolled out.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
if PRODUCTION and any(_weak_secret_key(key) for key in SECRET_KEY_FALLBACKS):
    raise ImproperlyConfigured("A key in SECRET_KEY_FALLBACKS is a placeholder or too short.")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Base of the links in emails. `make run` sets it from its HOST and PORT unless it is set.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    # Django's admin with a site that also asks for the staff rule (second factor):
    # accounts.adminsite.StaffAdminSite (every admin.register keeps working).
    "withrefugees.accounts.adminsite.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    # the files collectstatic leaves out are added by core (core.staticfiles)
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "django_countries",
    "withrefugees.core",
    "withrefugees.accounts",
    "withrefugees.places",
    "withrefugees.campaign",
    "withrefugees.social",
    "withrefugees.events",
    "withrefugees.pledges",
    "withrefugees.profiles",
    "withrefugees.workspace",
    # Sign-in by emailed code or password, second factor, sessions (django-allauth).
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "rules.apps.AutodiscoverRulesConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "withrefugees.core.staticfiles.WhiteNoiseMiddleware",  # never staticfiles.json
    # Public pages for anonymous visitors from memory, skipping what follows (core.pagecache).
    "withrefugees.core.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "withrefugees.core.middleware.TimezoneMiddleware",
    "withrefugees.core.middleware.NulCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Sessions end after inactivity; staff without TOTP are sent to set it up from the
    # admin; refused sign-ins answer 429 and are logged (accounts.middleware).
    "withrefugees.accounts.middleware.IdleSessionMiddleware",
    "withrefugees.accounts.middleware.StaffSecondFactorMiddleware",
    "withrefugees.accounts.middleware.SignInLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "withrefugees.core.context_processors.site",
            ],
        },
    },
]

# --- Database: SQLite file under var/ (WAL) by default, DATABASE_URL for PostgreSQL ------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers go on while one writer writes; IMMEDIATE avoids lock upgrades.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
# Persistent connections (seconds a connection is kept; 0 = one per request), checked before
# reuse. Each server thread and task-worker thread keeps one: see the
# connection budget in README.md.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, rate limits and task queue: Redis when REDIS_URL is set -----------------------
# Rate-limit counters live in their own cache, "ratelimit", which must increment atomically
# across processes (checked by core.E001): Redis, or else diskcache's SQLite files under
# var/ratelimit, shared by the processes of one machine (the database cache is not atomic).
# With Redis down, the caches fall back to each process's memory (core/cache.py: rate limits
# then count per process, a WARNING says so) and queued emails wait for the outbox's sweeper.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    _redis_options = {"socket_connect_timeout": 1, "socket_timeout": 1}  # seconds
    CACHES = {"default": {"BACKEND": "withrefugees.core.cache.DegradingRedisCache",
                          "LOCATION": REDIS_URL, "OPTIONS": _redis_options},
              "ratelimit": {"BACKEND": "withrefugees.core.cache.DegradingRedisCache",
                            "LOCATION": REDIS_URL, "KEY_PREFIX": "ratelimit",
                            "OPTIONS": _redis_options}}
    # A Redis that does not answer fails a queueing in 2 s (the outbox keeps the email).
    HUEY = {"huey_class": "huey.RedisHuey", "name": "withrefugees",
            "url": REDIS_URL + ("&" if "?" in REDIS_URL else "?") + "socket_connect_timeout=2"}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                          "LOCATION": "django_cache"},
              "ratelimit": {"BACKEND": "diskcache.DjangoCache",
                            "LOCATION": str(VAR_DIR / "ratelimit"), "SHARDS": 4,
                            # SQLite busy timeout (s); writes retry until they get the lock
                            "DATABASE_TIMEOUT": 0.1}}
    HUEY = {"huey_class": "huey.SqliteHuey", "name": "withrefugees",
            "filename": str(VAR_DIR / "tasks.sqlite3")}
# TASKS_IMMEDIATE=true runs queued tasks in-process right after commit (tests, demos).
HUEY["immediate"] = env.bool("TASKS_IMMEDIATE", default=False)
HUEY["consumer"] = {"workers": 2, "worker_type": "thread"}
# Seconds a task worker owns an outbox email it is sending (core/outbox.py); must exceed a
# whole SMTP exchange (core.mail.SMTP_TIMEOUT, 60 s, per command). A worker killed mid-send
# leaves the email to the sweeper: at once when the sweeper runs on the same host (the dead
# process is seen), else once this has passed.
EMAIL_OUTBOX_CLAIM_TIMEOUT = env.int("EMAIL_OUTBOX_CLAIM_TIMEOUT", default=900)
# Whole public pages for anonymous visitors (core.pagecache): longest time a page is kept
# without a write that invalidates it, seconds; 0 turns the page cache off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
RATELIMIT_VIEW = "withrefugees.core.views.ratelimited"
RATELIMIT_USE_CACHE = "ratelimit"
# Rate limits count by client IP: REMOTE_ADDR, or behind one of the TRUSTED_PROXIES (IP
# addresses or networks, comma-separated) the right-most address of X-Forwarded-For that is
# not a trusted proxy (withrefugees/core/net.py). Empty: X-Forwarded-For is ignored.
RATELIMIT_IP_META_KEY = "withrefugees.core.net.client_ip"
TRUSTED_PROXIES = [p.strip() for p in env.list("TRUSTED_PROXIES", default=[]) if p.strip()]
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network.") from None

# --- Email ---------------------------------------------------------------------------------
# Default: each message written as a readable file under var/mail/ (UTF-8, 8bit).
EMAIL_URL = env.str("EMAIL_URL", default=f"filemail://{VAR_DIR / 'mail'}")
globals().update(environ.Env.email_url_config(EMAIL_URL))
if EMAIL_URL.startswith("filemail://"):
    # filemail://var/mail (relative to the project) or filemail:///abs/path
    EMAIL_FILE_PATH = str(BASE_DIR / EMAIL_URL.removeprefix("filemail://"))
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Cities #WithRefugees <no-reply@withrefugees.localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
CAMPAIGN_CONTACT_EMAIL = env.str("CAMPAIGN_CONTACT_EMAIL", default="jpntocities@unhcr.org")
# The domain part of the iCalendar UIDs of events (events.ical): fixed, so that UIDs stay the
# same when the site's address or port changes (the event's UUID makes each one unique).
# The GCR pledge mailbox: approved pledges are emailed there as a Word document
# (pledges.services_review). The campaign brochure (shared/seed) names hqgcr@unhcr.org: the
# default in production only, so that a local or test server with a real SMTP server never
# emails UNHCR headquarters.
GCR_PLEDGE_EMAIL = env.str(
    "GCR_PLEDGE_EMAIL",
    default="hqgcr@unhcr.org" if PRODUCTION else "gcr-pledges@withrefugees.localhost")
ICAL_UID_DOMAIN = env.str("ICAL_UID_DOMAIN", default="events.cities-withrefugees")

# --- Auth ------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Object permissions are named rules (django-rules) in each app's rules.py; views and
# services ask them through accounts.rules.can (no superuser shortcut).
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # any spelling of the mailbox (accounts.models.UserManager.get_by_natural_key)
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "workspace:home"
# django-allauth: sign in with the email address, by a code sent by email (no password
# needed; a password may be added). No open sign-up: an account is made for an invited
# address when it first asks for a code (accounts.adapter).
ACCOUNT_ADAPTER = "withrefugees.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"  # a code sign-in proves the mailbox
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = env.int("LOGIN_CODE_MAX_ATTEMPTS", default=5)
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = env.int("LOGIN_CODE_TIMEOUT", default=15 * 60)  # seconds
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Cities #WithRefugees] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Our forms: labelled fields with errors linked (core.forms.AccessibleFormMixin); password
# sign-in limited and logged (accounts.signin); invited addresses get an account on their
# first code request (accounts.forms.RequestLoginCodeForm); password changes audited.
ACCOUNT_FORMS = {
    "login": "withrefugees.accounts.forms.LoginForm",
    "request_login_code": "withrefugees.accounts.forms.RequestLoginCodeForm",
    "confirm_login_code": "withrefugees.accounts.forms.ConfirmLoginCodeForm",
    "change_password": "withrefugees.accounts.forms.ChangePasswordForm",
    "set_password": "withrefugees.accounts.forms.SetPasswordForm",
    "reset_password": "withrefugees.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "withrefugees.accounts.forms.ResetPasswordKeyForm",
    "reauthenticate": "withrefugees.accounts.forms.ReauthenticateForm",
    "confirm_reauthentication_code":
        "withrefugees.accounts.forms.ConfirmReauthenticationCodeForm",
}
# allauth's limits (its "default" cache), per IP and per address or account ("key"): page
# posts; failed passwords and second-factor codes ("login_failed": per account only 100 an
# hour, as accounts.signin, so that a few wrong passwords from elsewhere do not lock the
# owner out; accounts.signin limits per account *and* network); code requests (a code allows
# ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS tries: at most 3 codes a minute, 20 an hour, per
# mailbox). ACCOUNT_RATE_LIMITS=False turns allauth's off (tests that do not test them).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,100/h/key",
    "request_login_code": "10/m/ip,3/m/key,20/h/key",
    "reauthenticate": "10/m/user",
    "reset_password": "10/m/ip,3/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "signup": "20/m/ip",
}
ALLAUTH_RATE_LIMIT_IPV6_PREFIX = 48  # one site's /48 is one sender (as accounts.signin)
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = 3  # "Request new code" on the code page, 3 times
ACCOUNT_LOGOUT_REDIRECT_URL = "campaign:home"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Cities #WithRefugees"
MFA_FORMS = {
    "authenticate": "withrefugees.accounts.forms.MFAAuthenticateForm",
    "reauthenticate": "withrefugees.accounts.forms.MFAReauthenticateForm",
    "activate_totp": "withrefugees.accounts.forms.ActivateTOTPForm",
    "deactivate_totp": "withrefugees.accounts.forms.DeactivateTOTPForm",
    "generate_recovery_codes": "withrefugees.accounts.forms.GenerateRecoveryCodesForm",
}
# URL name of the page where staff set up their authenticator app (TOTP): staff without one
# are sent there after sign-in and from every admin page (accounts.middleware).
STAFF_SECOND_FACTOR_SETUP_URL = "mfa_activate_totp"
USERSESSIONS_TRACK_ACTIVITY = True
# Sessions end after this much inactivity, seconds (accounts.middleware): staff sooner.
SESSION_IDLE_TIMEOUT_OFFICER = env.int("SESSION_IDLE_TIMEOUT_OFFICER", default=8 * 3600)
SESSION_IDLE_TIMEOUT_STAFF = env.int("SESSION_IDLE_TIMEOUT_STAFF", default=30 * 60)
# How long an emailed invitation to a local government's workspace stays valid, seconds.
INVITATION_MAX_AGE = env.int("INVITATION_MAX_AGE", default=14 * 24 * 3600)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Step 2: posts, card images, posters -------------------------------------------------------
# Mastodon servers whose post addresses are accepted besides the well-known ones listed in
# withrefugees/social/links.py (comma-separated host names, e.g. "mstdn.example.jp").
SOCIAL_MASTODON_HOSTS = env.list("SOCIAL_MASTODON_HOSTS", default=[])
# Noto Sans JP from the npm registry (@expo-google-fonts/noto-sans-jp, package-lock.json): whole
# TrueType fonts (the web font package splits Japanese into subsets), for the card image
# (Pillow) and the poster (ReportLab). `manage.py check` fails without them (social.E001).
CARD_FONT_REGULAR = BASE_DIR / "node_modules" / "@expo-google-fonts" / "noto-sans-jp" \
    / "400Regular" / "NotoSansJP_400Regular.ttf"
CARD_FONT_BOLD = BASE_DIR / "node_modules" / "@expo-google-fonts" / "noto-sans-jp" \
    / "700Bold" / "NotoSansJP_700Bold.ttf"

# --- Languages and time ------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Tokyo")
USE_I18N = True
USE_TZ = True

# --- Static files: from the app and from npm packages (package-lock.json) -----------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise expects it even before collectstatic
# Where `make` writes the scripts it bundles from npm packages (esbuild): served as
# static/bundles/ (made here so that the static files check finds it before the first build).
BUNDLE_DIR = BASE_DIR / "build" / "bundles"
BUNDLE_DIR.mkdir(parents=True, exist_ok=True)
# The manifest of hashed names (staticfiles.json), kept out of STATIC_ROOT so that it is
# never served (withrefugees/core/staticfiles.py).
STATIC_MANIFEST_ROOT = VAR_DIR / "static-manifest"
# Uploaded files (profile logos). One folder shared by every app server; Django serves it
# unless SERVE_MEDIA=false (then the reverse proxy serves MEDIA_URL from MEDIA_ROOT).
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
STATICFILES_DIRS = [
    BASE_DIR / "withrefugees" / "static",
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    ("vendor/leaflet.markercluster", BASE_DIR / "node_modules" / "leaflet.markercluster"
     / "dist"),
    ("vendor/topojson-client", BASE_DIR / "node_modules" / "topojson-client" / "dist"),
    ("vendor/world-atlas", BASE_DIR / "node_modules" / "world-atlas"),
    ("vendor/accessible-autocomplete", BASE_DIR / "node_modules" / "accessible-autocomplete"
     / "dist"),
    ("vendor/noto-sans-jp", BASE_DIR / "node_modules" / "@fontsource" / "noto-sans-jp"),
    ("vendor/design-tokens", BASE_DIR / "node_modules" / "@digital-go-jp" / "design-tokens"
     / "dist"),
    # Scripts bundled from npm packages by `make` (esbuild; see the Makefile's BUNDLES).
    ("bundles", BUNDLE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="withrefugees.core.staticfiles.ManifestStaticFilesStorage",
        )
    },
}
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=False)

# --- Map: offline country outlines always; a tile layer only when configured ---------------------
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="")

# --- Security: HTTPS switches, on by default in production (README, "Behind a reverse proxy") --
# SECURE_PROXY_SSL_HEADER names the header by which the TLS-terminating proxy says the request
# came over HTTPS, e.g. X-Forwarded-Proto (value "https"). Set it only behind a proxy that
# always sets or strips that header.
_ssl_header = env.str("SECURE_PROXY_SSL_HEADER", default="").strip().upper().replace("-", "_")
SECURE_PROXY_SSL_HEADER = (
    (_ssl_header if _ssl_header.startswith("HTTP_") else "HTTP_" + _ssl_header, "https")
    if _ssl_header else None
)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts, styles, fonts and data from this site only,
# no inline script; images also from the optional tile server (MAP_TILE_URL) and data: URIs
# (Leaflet's and the admin's small icons). Nothing may frame the site.
_tile_origin = ""
if MAP_TILE_URL:
    from urllib.parse import urlsplit as _urlsplit

    _tile = _urlsplit(MAP_TILE_URL.replace("{s}", "a"))
    _tile_origin = f"{_tile.scheme}://{_tile.netloc.replace('a.', '*.', 1)}" \
        if "{s}" in MAP_TILE_URL else f"{_tile.scheme}://{_tile.netloc}"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"] + ([_tile_origin] if _tile_origin else []),
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Permissions-Policy (django-permissions-policy): no powerful browser feature is used.
PERMISSIONS_POLICY = {feature: [] for feature in (
    "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone",
    "payment", "usb", "browsing-topics")}

# --- Signing flow --------------------------------------------------------------------------------
# How long an emailed confirmation link stays valid, in seconds (default 3 days).
SIGNATURE_CONFIRMATION_MAX_AGE = env.int("SIGNATURE_CONFIRMATION_MAX_AGE", default=3 * 24 * 3600)

# One format and one time zone for every process: Django, gunicorn (config/gunicorn.conf.py
# passes this to gunicorn's master too) and huey. Times are in TIME_ZONE, which Django sets as
# the process's TZ. Each line is written once: huey's logger has the console handler and
# does not propagate (run_huey adds its own handler to a logger without one, and its lines
# came twice); Django's "django" logger keeps only the mail to ADMINS (its DEBUG console
# handler doubled its lines) and gunicorn's loggers only propagate.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
                # a 403 (a refused rule) is one line, without Django's traceback
                "refusal_without_traceback": {
                    "()": "withrefugees.core.middleware.RefusalTracebackFilter"}},
    "formatters": {"default": {
        "format": "%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s",
        "datefmt": "%Y-%m-%d %H:%M:%S %z",
    }},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "default"},
        "mail_admins": {"class": "django.utils.log.AdminEmailHandler", "level": "ERROR",
                        "filters": ["require_debug_false"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": LOG_LEVEL},
        "django.server": {"handlers": [], "level": LOG_LEVEL},
        "django.request": {"handlers": [], "level": LOG_LEVEL,
                           "filters": ["refusal_without_traceback"]},
        "django.db.backends": {"level": "INFO"},
        "huey": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "gunicorn.error": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "gunicorn.access": {"handlers": [], "level": "INFO", "propagate": True},
    },
}
