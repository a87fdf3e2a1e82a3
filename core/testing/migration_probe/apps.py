from django.apps import AppConfig


class MigrationProbeConfig(AppConfig):
    """A tenant app installed only under test, with two migrations, to prove that a
    migration written after a group was cloned still applies to that group."""

    name = "core.testing.migration_probe"
    label = "migration_probe"
