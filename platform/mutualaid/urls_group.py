"""URLs of a group's host (the group's schema)."""

from django.urls import include, path

from core.tenancy import views as tenancy
from tenants.home import views as home
from tenants.requests import views as requests

urlpatterns = [
    path("", home.home, name="home"),
    path("setup/", home.setup, name="setup"),
    path("welcome/<str:token>/", tenancy.welcome, name="welcome"),
    path("ask/", requests.ask, name="ask"),
    path("ask/thanks/", requests.thanks, name="ask_thanks"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
