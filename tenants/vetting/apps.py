from django.apps import AppConfig


class VettingConfig(AppConfig):
    name = "tenants.vetting"
    label = "vetting"
    verbose_name = "Vetting"
