from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "mutualaid.console"
    label = "console"
    verbose_name = "Operator console"

    def ready(self):
        from celery.signals import task_failure

        from mutualaid.console.failures import record_failure

        # Failed group tasks are the console's "recent errors" for a group.
        task_failure.connect(record_failure, weak=False, dispatch_uid="console.task_failure")
