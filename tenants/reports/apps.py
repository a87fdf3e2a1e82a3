from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tenants.reports"
    label = "reports"
    verbose_name = "The group's dashboard: figures, charts and their exports"
