from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "core.geo"
    label = "geo"
    verbose_name = "Geography"
