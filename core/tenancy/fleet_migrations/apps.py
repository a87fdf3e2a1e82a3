from django.apps import AppConfig


class FleetMigrationsConfig(AppConfig):
    name = "core.tenancy.fleet_migrations"
    label = "fleet_migrations"
    verbose_name = "Fleet migrations"
