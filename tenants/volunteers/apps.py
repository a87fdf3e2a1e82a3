from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "tenants.volunteers"
    label = "volunteers"
    verbose_name = "Volunteers"

    def ready(self):
        from tenants.volunteers import usage  # noqa: F401  registers the plan limit's measure
