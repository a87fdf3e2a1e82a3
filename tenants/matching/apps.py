from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "tenants.matching"
    label = "matching"
    verbose_name = "Matching and dispatch"
