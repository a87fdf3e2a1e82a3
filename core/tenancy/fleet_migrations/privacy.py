"""Field levels of the fleet's migration records (see core/privacy/registry.py): platform
internals, for operators only."""

from core.privacy.registry import declare
from core.tenancy.fleet_migrations.models import FleetMigrationStep, GroupMigrationState

declare(GroupMigrationState, public=["group"], restricted=["fingerprint", "updated_at"])
declare(FleetMigrationStep, public=["id"],
        restricted=["from_fingerprint", "to_fingerprint", "sql", "migrations", "created_at"])
