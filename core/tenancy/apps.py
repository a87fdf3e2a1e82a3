from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "core.tenancy"
    label = "tenancy"
    verbose_name = "Tenancy"

    def ready(self):
        from core.tenancy import recycling

        recycling.connect_signals()
