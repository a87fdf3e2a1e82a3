from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "tenants.documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self):
        from tenants.documents import usage  # noqa: F401  registers the plan limit's measure
