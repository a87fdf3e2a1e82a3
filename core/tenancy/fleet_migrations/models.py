"""Where each group's schema stands, and the SQL steps between states. Public schema."""

from __future__ import annotations

from django.db import models


class GroupMigrationState(models.Model):
    """The migration fingerprint (core.tenancy.blueprint.fingerprint_of) of a group's schema,
    written by provisioning and by migrate_fleet when it migrates or checks the schema.
    A group without a row has not been checked yet."""

    group = models.OneToOneField(
        "tenancy.Group", on_delete=models.CASCADE, primary_key=True,
        related_name="migration_state",
    )
    fingerprint = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)


class FleetMigrationStep(models.Model):
    """The SQL that took the template from one migration state to the next.

    Replayed in each group schema found at `from_fingerprint`; kept after the deploy, so a
    group left behind (a failure, an interrupted run) catches up on a later run.
    """

    from_fingerprint = models.CharField(max_length=64, unique=True)
    to_fingerprint = models.CharField(max_length=64)
    sql = models.TextField()
    migrations = models.JSONField()  # [[app, name], ...]: the django_migrations rows it adds
    created_at = models.DateTimeField(auto_now_add=True)
