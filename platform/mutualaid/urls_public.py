"""URLs of the platform host (the public schema)."""

from django.urls import include, path

from core.tenancy import language
from mutualaid.signup import views as signup

urlpatterns = [
    path("", signup.home, name="home"),
    path("", include("billing.urls_platform")),  # Stripe's webhook, operators' sponsors
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", language.set_language, name="set_language"),
]
