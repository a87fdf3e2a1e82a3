"""`migrate`: the public schema, then the template (and its blueprint and schema pool), then
every group, using django-tenants' migrate_schemas for each part.

The template goes before the groups so that, from the moment the group pass starts, signups
are built at the new state; the group pass then lists the groups, new ones included.
This runs Django's migrate once per group (seconds each on a large fleet): deploys to many
groups use `migrate_fleet` instead.
"""

from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

from core.tenancy.fleet_migrations.states import record_actual
from core.tenancy.template import migrate_template


class Command(MigrateSchemasCommand):
    def handle(self, *args, **options):
        if options.get("schema_name"):
            super().handle(*args, **options)
            record_actual([options["schema_name"]])
            return
        shared, tenant = options.get("shared"), options.get("tenant")
        if shared or not tenant:
            super().handle(*args, **{**options, "shared": True, "tenant": False})
        if tenant or not shared:
            targets = [t for t in (options.get("app_label"), options.get("migration_name")) if t]
            migrate_template(*targets, verbosity=options.get("verbosity", 1))
            super().handle(*args, **{**options, "shared": False, "tenant": True})
            record_actual()  # where every group now stands, for migrate_fleet and operators
