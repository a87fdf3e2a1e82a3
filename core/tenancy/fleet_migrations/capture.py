"""Migrate the template schema with Django's own machinery and keep the SQL it ran.

The schema editor is the one place Django's migrations send DDL (and RunSQL) through, so
recording what it executes on the template gives a script that does the same to any schema
at the template's previous state. Python code (RunPython) cannot be recorded that way:
such a plan is refused before anything runs, and the operator takes the slow path.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.operations.special import SeparateDatabaseAndState

from core.tenancy import blueprint
from core.tenancy.fleet_migrations.models import FleetMigrationStep


# Between statements: on a line of its own, so a statement ending in a -- comment still ends.
SEPARATOR = "\n;\n"


class FastPathRefused(Exception):
    """The pending migrations cannot be replayed as SQL."""


def _operations(operations):
    for operation in operations:
        yield operation
        if isinstance(operation, SeparateDatabaseAndState):
            yield from _operations(operation.database_operations)


def refuse_unreplayable(plan) -> None:
    """Raise FastPathRefused naming each migration in `plan` that SQL replay cannot do."""
    problems = []
    for migration, backwards in plan:
        label = f"{migration.app_label}.{migration.name}"
        if backwards:
            problems.append(f"{label} would be unapplied (migrate_fleet only goes forwards)")
        elif not migration.atomic:
            # Replay is one transaction per schema; e.g. CREATE INDEX CONCURRENTLY is not.
            problems.append(f"{label} is not atomic")
        else:
            problems += [f"{label}: {op.describe()}" for op in _operations(migration.operations)
                         if not op.reduces_to_sql]
    if problems:
        raise FastPathRefused(
            "these migrations cannot be replayed as SQL in each group:\n  "
            + "\n  ".join(problems)
            + "\nRun `manage.py migrate_fleet --slow`: it runs Django's migrate in the "
            "template and in each group schema (slower, still batched and resumable)."
        )


def pending_plan(executor: MigrationExecutor) -> list:
    conflicts = executor.loader.detect_conflicts()
    if conflicts:
        names = "; ".join(f"{app}: {', '.join(sorted(m))}" for app, m in conflicts.items())
        raise FastPathRefused(f"conflicting migrations (run makemigrations --merge): {names}")
    executor.loader.check_consistent_history(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


@contextmanager
def history_lookup_by_name():
    """Django checks for its history table by listing every table in the schema, a scan of
    the catalog that takes about a second once it holds 10,000 group schemas. Look the one
    table up by name (through the search path) instead while migrate_fleet works."""
    original = MigrationRecorder.has_table

    def has_table(recorder):
        if not recorder._has_table:
            with recorder.connection.cursor() as cursor:
                cursor.execute("SELECT to_regclass(%s) IS NOT NULL",
                               [recorder.Migration._meta.db_table])
                recorder._has_table = cursor.fetchone()[0]
        return recorder._has_table

    MigrationRecorder.has_table = has_table
    try:
        yield
    finally:
        MigrationRecorder.has_table = original


def public_pending() -> bool:
    """Has the public schema migrations to apply?"""
    connection.set_schema_to_public()
    with history_lookup_by_name():
        return bool(pending_plan(MigrationExecutor(connection)))


def migrate_template(*, for_groups: bool = True) -> FleetMigrationStep | None:
    """Bring the template to the latest migrations, in one transaction, and store the SQL
    it ran as a step from its previous state. None when nothing was pending.

    `for_groups=False` (no group exists to replay it in, as in a new database): data
    migrations are run too, and no step is stored.
    """
    schema = settings.TEMPLATE_SCHEMA
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {blueprint.quote(schema)}")
    # As django-tenants migrates a tenant: its own history table (not public's), then
    # public on the search path.
    try:
        with history_lookup_by_name():
            connection.set_schema(schema, include_public=False)
            MigrationRecorder(connection).ensure_schema()
            connection.set_schema(schema)
            return _migrate(schema, MigrationExecutor(connection), for_groups)
    finally:
        connection.set_schema_to_public()


def _migrate(schema: str, executor: MigrationExecutor,
             for_groups: bool) -> FleetMigrationStep | None:
    plan = pending_plan(executor)
    if not plan:
        return None
    try:
        refuse_unreplayable(plan)
    except FastPathRefused:
        if for_groups:
            raise
        with transaction.atomic():
            executor.migrate(executor.loader.graph.leaf_nodes(), plan=plan)
        return None
    statements: list[str] = []
    with transaction.atomic():
        before = blueprint.migration_rows(schema)
        with _recording(statements):
            executor.migrate(executor.loader.graph.leaf_nodes(), plan=plan)
        after = blueprint.migration_rows(schema)
        _refuse_qualified_names(statements, schema)
        known = set(before)
        step, _ = FleetMigrationStep.objects.update_or_create(
            from_fingerprint=blueprint.fingerprint_of(before),
            defaults={
                "to_fingerprint": blueprint.fingerprint_of(after),
                "sql": SEPARATOR.join(statements),
                "migrations": [list(row) for row in after if row not in known],
            },
        )
    return step


@contextmanager
def _recording(into: list[str]):
    """Keep every statement the schema editors of this connection execute, as sent."""
    make_editor = connection.schema_editor

    def schema_editor(*args, **kwargs):
        editor = make_editor(*args, **kwargs)
        run = editor.execute

        def execute(sql, params=()):
            # As the PostgreSQL schema editor sends it: parameters merged client-side.
            into.append(str(sql) if params is None
                        else connection.ops.compose_sql(str(sql), params))
            return run(sql, params)

        editor.execute = execute
        return editor

    connection.schema_editor = schema_editor
    try:
        yield
    finally:
        del connection.schema_editor  # back to the class's method


def _refuse_qualified_names(statements: list[str], schema: str) -> None:
    """A statement naming the template itself would change the template on every replay."""
    named = [s for s in statements if blueprint.quote(schema) in s or f" {schema}." in s]
    if named:
        raise FastPathRefused(f"a migration names the template schema explicitly: {named[0]}")
