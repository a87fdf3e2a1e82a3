"""`migrate`: django-tenants' migrate_schemas (public schema, then every group), then the
template schema and its blueprint, so new groups are always made at the latest state."""

from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

from core.tenancy.template import migrate_template


class Command(MigrateSchemasCommand):
    def handle(self, *args, **options):
        super().handle(*args, **options)
        tenants_too = options.get("tenant") or not options.get("shared")
        if not options.get("schema_name") and tenants_too:
            targets = [t for t in (options.get("app_label"), options.get("migration_name")) if t]
            migrate_template(*targets, verbosity=options.get("verbosity", 1))
