from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "tenants.records"
    label = "records"
    verbose_name = "The group's records: audit log, exports, retention, people's data"
