from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "core.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from core.accounts import limits  # noqa: F401  registers the coordinators measure
