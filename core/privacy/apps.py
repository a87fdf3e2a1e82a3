from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PrivacyConfig(AppConfig):
    name = "core.privacy"
    label = "privacy"
    verbose_name = "Privacy policy engine"

    def ready(self):
        # Each app's privacy.py declares its models' field levels (see registry.py).
        autodiscover_modules("privacy")
