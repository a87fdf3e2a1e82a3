"""Ship a migration to the probe app for the length of a test or benchmark, then take it
back out: the repo keeps no migration that exists only to be applied.

`shipped()` writes a temporary migrations package (the probe's own two migrations plus the
given ones) and points MIGRATION_MODULES at it; `unship()` removes what those added from
the template and the given group schemas by SQL and recaptures the blueprint.
"""

from __future__ import annotations

import importlib
import shutil
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection, connections, transaction
from django.test import override_settings

OWN = ["0001_initial", "0002_probenote_extra"]

# A column with a default and an index: the common shape of a product migration.
ADD_FLAG = ("0003_probenote_flag", '''
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("migration_probe", "0002_probenote_extra")]
    operations = [
        migrations.AddField(
            model_name="probenote", name="flag",
            field=models.IntegerField(default=7, db_index=True),
        ),
    ]
''')

# A data migration: Python code, which SQL replay cannot carry.
ADD_NOTE_IN_PYTHON = ("0003_probenote_hello", '''
from django.db import migrations


def hello(apps, schema_editor):
    apps.get_model("migration_probe", "ProbeNote").objects.create(text="hello", extra="")


class Migration(migrations.Migration):
    dependencies = [("migration_probe", "0002_probenote_extra")]
    operations = [migrations.RunPython(hello, migrations.RunPython.noop)]
''')

RESET_SQL = (
    "ALTER TABLE migration_probe_probenote DROP COLUMN IF EXISTS flag; "
    "DELETE FROM migration_probe_probenote; "
    "DELETE FROM django_migrations WHERE app = 'migration_probe' "
    f"AND name NOT IN ({', '.join(repr(name) for name in OWN)});"
)


@contextmanager
def shipped(directory: Path, *migrations: tuple[str, str]):
    """The probe app's migrations are its own plus `migrations` ((name, source), ...)."""
    from core.testing.migration_probe import migrations as own

    package = f"probe_migrations_{uuid.uuid4().hex[:8]}"
    root = Path(directory) / package
    root.mkdir(parents=True)
    (root / "__init__.py").write_text("")
    for name in OWN:
        shutil.copy(Path(own.__file__).parent / f"{name}.py", root / f"{name}.py")
    for name, source in migrations:
        (root / f"{name}.py").write_text(source)
    sys.path.insert(0, str(directory))
    importlib.invalidate_caches()
    try:
        with override_settings(MIGRATION_MODULES={"migration_probe": package}):
            yield
    finally:
        sys.path.remove(str(directory))
        for module in [m for m in sys.modules if m.split(".")[0] == package]:
            del sys.modules[module]


def unship(schemas: list[str], *, workers: int = 2, batch_size: int = 100) -> None:
    """Back to the probe's own migrations in the template and `schemas`: drop the column,
    the rows and the history rows shipped migrations added; recapture the blueprint,
    rebuild the pool, record the groups' states, forget steps from the shipped state."""
    from core.tenancy import blueprint, pool
    from core.tenancy.fleet_migrations import states
    from core.tenancy.fleet_migrations.models import FleetMigrationStep

    def reset(batch: list[str]) -> None:
        try:
            connection.set_schema_to_public()
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("\n".join(
                    f"SET LOCAL search_path = {blueprint.quote(s)}; {RESET_SQL}" for s in batch))
        finally:
            connection.set_schema_to_public()
            connections.close_all()

    batches = [schemas[i:i + batch_size] for i in range(0, len(schemas), batch_size)]
    with ThreadPoolExecutor(max_workers=workers) as threads:
        list(threads.map(reset, batches))
    reset([settings.TEMPLATE_SCHEMA])  # last: until then a re-run sees there is work to do
    template = blueprint.refresh().fingerprint
    FleetMigrationStep.objects.filter(from_fingerprint=template).delete()
    pool.drain()
    pool.fill()
    from core.tenancy.models import Group

    groups = Group.objects.filter(schema_name__in=schemas).values_list("pk", flat=True)
    states.record({pk: template for pk in groups})
