"""URLs of the platform host (the public schema)."""

from django.urls import include, path

from mutualaid.signup import views as signup

urlpatterns = [
    path("", signup.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
