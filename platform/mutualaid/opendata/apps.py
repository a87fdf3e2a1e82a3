from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    name = "mutualaid.opendata"
    label = "opendata"
    verbose_name = "Fleet-wide open data: anonymous weekly counts of requests"
