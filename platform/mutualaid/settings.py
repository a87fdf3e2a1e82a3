"""Settings for Mutual Aid Commons, read from the environment (django-environ).

Development defaults are safe and need nothing set: an embedded PostgreSQL under `.var/`,
tasks in-process, emails on the console. `DJANGO_ENV=production` refuses to start without
SECRET_KEY, DATABASE_URL, REDIS_URL and PLATFORM_DOMAIN. Every variable is listed in the
README's configuration table.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.documents.config import storage_config
from core.local_services import embedded_database_url
from core.observability.logging import logging_config
from core.security.csp import tile_source

REPO_ROOT = Path(__file__).resolve().parents[2]
BASE_DIR = REPO_ROOT

env = environ.Env()
DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"
TESTING = env.bool("MUTUALAID_TESTING", default="pytest" in sys.modules)

if PRODUCTION:
    _missing = [
        name
        for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "PLATFORM_DOMAIN",
                     "VETTING_CREDENTIALS_KEY")
        if not env.str(name, default="")
    ]
    if _missing:
        raise ImproperlyConfigured(f"production needs these environment variables: {_missing}")

SECRET_KEY = env.str("SECRET_KEY", default="dev-only-secret-key-not-for-production")
DEBUG = env.bool("DEBUG", default=not PRODUCTION and not TESTING)

# The platform's own host; every group lives at <slug>.<PLATFORM_DOMAIN>.
PLATFORM_DOMAIN = env.str("PLATFORM_DOMAIN", default="localhost").lower()
# The tenant router is the host check: it serves the platform host and hosts in the Domain
# table, and answers every other host with a 404 page. So Django's own check lets all through.
ALLOWED_HOSTS = ["*"]

# --- database --------------------------------------------------------------------------
DATABASE_URL = env.str("DATABASE_URL", default="") or embedded_database_url()
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A connection is closed after serving this many distinct group schemas (its backend's
# catalog caches grow with each: core/tenancy/recycling.py); 0 never.
DB_RECYCLE_AFTER_SCHEMAS = env.int("DB_RECYCLE_AFTER_SCHEMAS", default=500)
if TESTING:
    # One test database per pytest process, so concurrent runs never drop each other's.
    DATABASES["default"]["TEST"] = {
        "NAME": f"test_mutualaid_{socket.gethostname()[:20]}_{os.getpid()}".lower().replace("-", "_")
    }
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

# --- tenancy ---------------------------------------------------------------------------
TENANT_MODEL = "tenancy.Group"
TENANT_DOMAIN_MODEL = "tenancy.Domain"
# The schema new groups are copied from (see core/tenancy/blueprint.py). Slugs never start
# with an underscore, so no group can take this name.
TEMPLATE_SCHEMA = "_template"
# Issue `SET search_path` once per schema switch, not once per cursor.
TENANT_LIMIT_SET_CALLS = True
# Group schemas built ahead of time, so a signup renames one instead of building it.
SCHEMA_POOL_SIZE = env.int("SCHEMA_POOL_SIZE", default=2 if TESTING else 10)
ROUTING_CACHE_SECONDS = env.int("ROUTING_CACHE_SECONDS", default=300)

SHARED_APPS = [
    "core.tenancy",  # before django_tenants: its `migrate` also refreshes the template
    "core.tenancy.fleet_migrations",  # migrate_fleet; each group's migration state
    "django_tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_countries",
    "leaflet",
    "core.accounts",
    "core.geo",
    "core.audit",
    "core.privacy",
    "billing",  # public schema: billing accounts, Stripe events, sponsors
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "mutualaid.signup",
    "mutualaid.console",
    "mutualaid.directory",
    "mutualaid.opendata",  # public schema: the fleet's anonymous weekly counts
]
# Only what a group needs: 10,000 schemas multiply every table and index listed here.
TENANT_APPS = [
    "django.contrib.sessions",
    "core.accounts",
    "core.audit",
    "allauth.account",
    "allauth.mfa",  # staff's authenticators live with their accounts, in the group's schema
    "tenants.home",
    "tenants.requests",
    "tenants.volunteers",
    "tenants.matching",
    "tenants.records",
    "tenants.reports",
    "tenants.safeguarding",
    "tenants.vetting",
    "tenants.documents",
    "tenants.forms",
    "tenants.team",
]
if TESTING:
    TENANT_APPS.append("core.testing.migration_probe")
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

MIDDLEWARE = [
    # First: request id and latency for everything below; then health probes, which answer
    # on any host (a pod's IP too) before security redirects and routing (core/observability).
    "core.observability.middleware.RequestObservationMiddleware",
    "core.observability.middleware.HealthEndpointsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files are the same for every host: served before any routing.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above routing, so the unknown-host 404 page carries these headers too.
    "csp.middleware.CSPMiddleware",
    "core.security.middleware.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.tenancy.routing.GroupRoutingMiddleware",
    "core.observability.middleware.GroupContextMiddleware",  # the group into logs and Sentry
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a signed-in member's preferred language counts.
    "core.tenancy.language.GroupLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "core.accounts.two_factor.StaffTwoFactorMiddleware",
    # A group suspended for non-payment reads but does not write (READ_ONLY_ALLOWED_PATHS).
    "core.tenancy.readonly.ReadOnlyMiddleware",
]

ROOT_URLCONF = "mutualaid.urls_group"
PUBLIC_SCHEMA_URLCONF = "mutualaid.urls_public"
WSGI_APPLICATION = "mutualaid.wsgi.application"
ASGI_APPLICATION = "mutualaid.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [REPO_ROOT / "platform" / "mutualaid" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.tenancy.context.current_group",
                "core.tenancy.context.plan_notice",
            ],
        },
    }
]

# --- accounts (django-allauth, email login) --------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
PASSWORD_HASHERS = [
    "core.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "optional"
# Keys stored in each group's own table, not ids signed with the one platform-wide key:
# email-address ids overlap across groups, so a signed id from one group would be valid
# (and name someone else) on every other group's host.
ACCOUNT_EMAIL_CONFIRMATION_HMAC = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "core.accounts.adapter.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "/accounts/login/"

# --- account security ------------------------------------------------------------------
# Failed sign-ins: allauth's cache-based limiter rather than django-axes (no attempt tables
# multiplied by every group schema; one limiter for passwords and two-factor codes). Keys
# carry the group's schema and host; the adapter adds the client IP to the address.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_COOLOFF_MINUTES = env.int("LOGIN_COOLOFF_MINUTES", default=15)
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"10/m/ip,{LOGIN_FAILURE_LIMIT}/{LOGIN_COOLOFF_MINUTES}m/key",
}
# Two-factor login (group setting `require_staff_2fa`, core/accounts/two_factor.py).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "core.accounts.mfa_adapter.MFAAdapter"
# Accounts are made by the group (no open signup), so an unverified address is not someone
# squatting on another's email; and a staff member told to set up 2FA must not dead-end.
MFA_ALLOW_UNVERIFIED_EMAIL = True

# Sessions and CSRF cookies are host-only: no cookie domain, so a login on one group's host
# is never sent to another. Sessions live in each group's own schema as well.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
# Flash messages live in the (per-schema) session, not in a cookie signed with the one
# platform-wide key that another group's host would also accept.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
# HTTPS only, once a browser has seen it (every group is a subdomain of the platform's).
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The origin only, never the path, to other sites; tile servers want a Referer to serve.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# --- cache, tasks ------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
_cache_backend = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
)
# Keys carry the schema (django-tenants' key function): one group never reads another's.
CACHES = {"default": {**_cache_backend, "KEY_FUNCTION": "django_tenants.cache.make_key"}}
RATELIMIT_USE_CACHE = "default"
SIGNUP_RATE = env.str("SIGNUP_RATE", default="10/h")

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Without Redis, tasks run in-process, synchronously (`make run` says so).
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
FLEET_BATCH_SIZE = env.int("FLEET_BATCH_SIZE", default=200)

# --- geocoding (core/geo): the offline postcode table first, Nominatim only if enabled ----
# Turning Nominatim on sends what people typed (possibly an address) to that server: point
# it at a self-hosted instance for real use; the public one allows one request a second.
GEOCODER_NOMINATIM_ENABLED = env.bool("GEOCODER_NOMINATIM_ENABLED", default=False)
GEOCODER_NOMINATIM_DOMAIN = env.str("GEOCODER_NOMINATIM_DOMAIN",
                                    default="nominatim.openstreetmap.org")
GEOCODER_NOMINATIM_SCHEME = env.str("GEOCODER_NOMINATIM_SCHEME", default="https")
GEOCODER_USER_AGENT = env.str("GEOCODER_USER_AGENT", default="mutual-aid-commons")
GEOCODER_NOMINATIM_TIMEOUT = env.float("GEOCODER_NOMINATIM_TIMEOUT", default=3)

# --- notifications: a new request is told to the nearest eligible volunteers in rings ------
NOTIFY_RING_SIZE = env.int("NOTIFY_RING_SIZE", default=5)
NOTIFY_RING_MINUTES = env.int("NOTIFY_RING_MINUTES", default=30)

# --- vetting (core/vetting adapters, tenants/vetting checks) -----------------------------
# Encrypts each group's provider credentials; a comma-separated list rotates keys (the
# first encrypts, all decrypt). Required in production.
VETTING_CREDENTIALS_KEY = env.str("VETTING_CREDENTIALS_KEY",
                                  default="dev-only-vetting-key-not-for-production")
VETTING_REMINDER_DAYS = env.int("VETTING_REMINDER_DAYS", default=30)
# How long a provider's clear result counts when the provider gives no expiry date.
VETTING_VALID_DAYS = env.int("VETTING_VALID_DAYS", default=3 * 365)
VETTING_HTTP_TIMEOUT = env.float("VETTING_HTTP_TIMEOUT", default=10)
VETTING_CHECKR_API_URL = env.str("VETTING_CHECKR_API_URL", default="https://api.checkr.com/v1")
VETTING_SANCTIONSSEARCH_API_URL = env.str("VETTING_SANCTIONSSEARCH_API_URL",
                                          default="https://api.sanctionssearch.com/v2")
# Run by `celery beat`: one dispatcher fans the daily sweep out to every group.
CELERY_BEAT_SCHEDULE = {
    "vetting-daily-sweep": {"task": "tenancy.dispatch_to_groups", "args": ["vetting.daily_sweep"],
                            "schedule": 24 * 60 * 60},
    # Missed safe-and-well check-ins (tenants/safeguarding): alert coordinators within minutes.
    "safeguarding-missed-checkins": {"task": "tenancy.dispatch_to_groups",
                                     "args": ["safeguarding.alert_missed_checkins"],
                                     "schedule": 5 * 60},
    # Retention (tenants/records): erase personal data each group's policy says is due.
    "records-retention": {"task": "tenancy.dispatch_to_groups",
                          "args": ["records.apply_retention"], "schedule": 24 * 60 * 60},
    # Billing (billing/, public schema, no fan-out): grace periods, cancelled periods and
    # sponsorships that end, sponsors' warnings, webhook events left unprocessed.
    "billing-daily-sweep": {"task": "billing.daily_sweep", "schedule": 24 * 60 * 60},
}

# --- billing (billing/): Stripe behind one seam (billing/stripe_api.py) ------------------
# No secret key: billing is off, the billing page says so, and every group is on the free
# plan (`make run` needs no Stripe account). README: "Billing: connecting a real Stripe account".
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_PRICE_COMMUNITY = env.str("STRIPE_PRICE_COMMUNITY", default="")
STRIPE_PRICE_NETWORK = env.str("STRIPE_PRICE_NETWORK", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")
STRIPE_TIMEOUT = env.float("STRIPE_TIMEOUT", default=20)
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=2)
if PRODUCTION and STRIPE_SECRET_KEY and not STRIPE_WEBHOOK_SECRET:
    raise ImproperlyConfigured("STRIPE_SECRET_KEY is set: set STRIPE_WEBHOOK_SECRET too")
# Days a group whose payment failed keeps working before it becomes read-only.
BILLING_GRACE_DAYS = env.int("BILLING_GRACE_DAYS", default=14)
# Admins are emailed this many days before their sponsorship ends (each once).
BILLING_SPONSOR_WARNING_DAYS = env.list("BILLING_SPONSOR_WARNING_DAYS", cast=int,
                                        default=[30, 7])
# What a read-only (suspended) group still accepts POSTs to: asking for help, accounts
# (sign in and out, password reset, two-factor), the language switcher, paying again,
# providers' webhooks, and a person's data (finding, exporting, erasing it is their right).
READ_ONLY_ALLOWED_PATHS = ["/ask/", "/accounts/", "/i18n/setlang/", "/billing/",
                           "/vetting/webhooks/", "/records/person/"]

# --- team (tenants/team): how long an emailed invitation link works ---------------------
TEAM_INVITATION_DAYS = env.int("TEAM_INVITATION_DAYS", default=14)

# --- operator console (mutualaid/console) ------------------------------------------------
# A closing group's hosts say so for this many days, then its schema is dropped (an export of
# its data is kept).
GROUP_CLOSING_GRACE_DAYS = env.int("GROUP_CLOSING_GRACE_DAYS", default=30)
CELERY_BEAT_SCHEDULE.update({
    # Usage figures for the console: one dispatcher fans a count out to every group.
    "console-usage": {"task": "console.collect_usage", "schedule": 60 * 60},
    "console-drop-closed-groups": {"task": "console.drop_closed_groups",
                                   "schedule": 24 * 60 * 60},
})

# --- open data (mutualaid/opendata): the fleet's requests by week, kind and area --------
# Whole weeks published (and counted by each group's daily task).
OPEN_DATA_WEEKS = env.int("OPEN_DATA_WEEKS", default=52)
CELERY_BEAT_SCHEDULE["opendata-counts"] = {"task": "opendata.collect", "schedule": 24 * 60 * 60}

# --- privacy -----------------------------------------------------------------------------
# Every area shown holds at least this many requests or households; smaller counts are
# not published (core/privacy/anonymity.py).
PRIVACY_MIN_COUNT = env.int("PRIVACY_MIN_COUNT", default=5)

# --- maps ------------------------------------------------------------------------------
# Tiles are fetched by the browser; pages work (as lists, with the areas drawn) without them.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="© OpenStreetMap contributors")

# --- Content Security Policy (django-csp) and Permissions-Policy --------------------------
# Scripts and styles only from our own static files (no inline code anywhere; Leaflet styles
# through the CSSOM, which CSP allows); images also from the tile server and data: URIs
# (the two-factor QR code, Leaflet's CSS). The signup view widens form-action for its
# hand-off redirect to the new group's host (mutualaid/signup/views.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", tile_source(MAP_TILE_URL)],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
PERMISSIONS_POLICY = {
    feature: [] for feature in ("camera", "microphone", "geolocation", "payment", "usb")
}

# --- email -----------------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.locmem.EmailBackend"
    if TESTING
    else "django.core.mail.backends.console.EmailBackend",
)
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"no-reply@{PLATFORM_DOMAIN}")
# A provider through django-anymail: EMAIL_BACKEND=anymail.backends.<provider>.EmailBackend
# and its settings as JSON, e.g. ANYMAIL='{"POSTMARK_SERVER_TOKEN": "..."}'.
ANYMAIL = env.json("ANYMAIL", default={})

# --- documents (core/documents): private files under groups/<schema>/, reached only through
# signed URLs that expire. S3 (django-storages) in production, files under .var/ otherwise.
DOCUMENTS_BACKEND = env.str("DOCUMENTS_BACKEND", default="s3" if PRODUCTION else "local")
DOCUMENTS_URL_LIFETIME = env.int("DOCUMENTS_URL_LIFETIME", default=60)  # seconds
DOCUMENTS_MAX_BYTES = env.int("DOCUMENTS_MAX_BYTES", default=10 * 1024 * 1024)
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if PRODUCTION and DOCUMENTS_BACKEND == "s3" and not AWS_STORAGE_BUCKET_NAME:
    raise ImproperlyConfigured("production keeps documents on S3: set AWS_STORAGE_BUCKET_NAME")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "documents": storage_config(
        backend=DOCUMENTS_BACKEND,
        root=env.str("DOCUMENTS_ROOT", default=str(REPO_ROOT / ".var" / "documents")),
        bucket=AWS_STORAGE_BUCKET_NAME, endpoint_url=env.str("AWS_S3_ENDPOINT_URL", default=""),
        region=env.str("AWS_S3_REGION_NAME", default=""),
        addressing_style=env.str("AWS_S3_ADDRESSING_STYLE", default=""),
        lifetime=DOCUMENTS_URL_LIFETIME,
    ),
}

# --- i18n ------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [REPO_ROOT / "platform" / "mutualaid" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATICFILES_DIRS = [REPO_ROOT / "platform" / "mutualaid" / "static"]
WHITENOISE_USE_FINDERS = not PRODUCTION
STATIC_ROOT = env.path("STATIC_ROOT", default=str(REPO_ROOT / ".var" / "static"))
if not PRODUCTION:
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # collectstatic fills it in production
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- observability (core/observability): logs, Sentry, Prometheus ------------------------
# Log lines carry the request id and the group; `json` writes one JSON object a line.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOGGING = logging_config(level=env.str("LOG_LEVEL", default="WARNING"), fmt=LOG_FORMAT)
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default=DJANGO_ENV)
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
RELEASE = env.str("RELEASE", default="")  # unset: the git sha, where there is a checkout
if SENTRY_DSN:
    from core.observability.sentry import init_sentry

    init_sentry(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT, release=RELEASE,
                traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE)
# /metrics needs `Authorization: Bearer <METRICS_TOKEN>` when it is set.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# Must also be in the process's environment (prometheus_client reads it at import).
PROMETHEUS_MULTIPROC_DIR = env.str("PROMETHEUS_MULTIPROC_DIR", default="")
if PROMETHEUS_MULTIPROC_DIR:
    Path(PROMETHEUS_MULTIPROC_DIR).mkdir(parents=True, exist_ok=True)

# --- behind a reverse proxy (deploy/) ------------------------------------------------------
# How many proxies you run in front of the app (Caddy in compose: 1; an ingress controller: 1,
# or 2 behind a cloud load balancer). The client's address is then the one that many places
# from the end of X-Forwarded-For, for sign-in limits (allauth) and signup limits
# (django-ratelimit). 0: REMOTE_ADDR, and X-Forwarded-For is ignored (a client could forge it).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
RATELIMIT_IP_META_KEY = "allauth.core.internal.httpkit.get_client_ip"  # one rule for both
