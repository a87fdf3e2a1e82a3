"""URLs of the platform host (the public schema)."""

from django.urls import include, path

from core.observability.metrics import metrics_view
from core.tenancy import language, tls_views
from mutualaid.directory import views as directory
from mutualaid.opendata import views as open_data
from mutualaid.signup import views as signup

urlpatterns = [
    path("", signup.home, name="home"),
    path("groups/", directory.find, name="directory"),
    path("operators/open-data/", open_data.operators, name="console_open_data"),
    path("operators/", include("mutualaid.console.urls")),
    path("open-data/", include("mutualaid.opendata.urls")),
    path("", include("billing.urls_platform")),  # Stripe's webhook, operators' sponsors
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", language.set_language, name="set_language"),
    # Prometheus; /healthz and /readyz answer on every host (core.observability.middleware).
    path("metrics", metrics_view, name="metrics"),
    # The reverse proxy asks before it gets a certificate for a host (deploy/Caddyfile).
    path("tls/allowed", tls_views.certificate_allowed, name="tls_allowed"),
]
