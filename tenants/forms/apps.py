from django.apps import AppConfig


class FormsConfig(AppConfig):
    name = "tenants.forms"
    label = "forms"
    verbose_name = "Form builder"
