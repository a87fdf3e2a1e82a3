from django.apps import AppConfig


class SignupConfig(AppConfig):
    name = "mutualaid.signup"
    label = "signup"
    verbose_name = "Group signup"
