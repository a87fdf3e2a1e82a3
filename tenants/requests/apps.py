from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "tenants.requests"
    label = "requests"
    verbose_name = "Requests for help"
