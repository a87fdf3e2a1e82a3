from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "tenants.home"
    label = "home"
    verbose_name = "Group home and setup"
