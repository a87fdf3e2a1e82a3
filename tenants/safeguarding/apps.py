from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "tenants.safeguarding"
    label = "safeguarding"
    verbose_name = "Safeguarding"
