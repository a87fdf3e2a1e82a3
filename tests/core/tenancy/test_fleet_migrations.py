"""migrate_fleet: SQL captured once on the template, replayed in each group; each group its
own unit; re-runs resume; data migrations go the slow way."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.tenancy import blueprint
from core.tenancy.fleet_migrations.models import GroupMigrationState
from core.tenancy.fleet_migrations.selectors import lagging_groups
from core.tenancy.fleet_migrations.services import migrate_fleet
from core.tenancy.models import Group
from core.tenancy.provisioning import AdminSpec, GroupSpec, provision_group
from core.testing.migration_probe.shipping import ADD_FLAG, ADD_NOTE_IN_PYTHON, shipped, unship
from core.testing.people import PASSWORD

pytestmark = pytest.mark.committed

SLUGS = ["fleet-a", "fleet-b", "fleet-c"]
TABLE = "migration_probe_probenote"


def make_group(slug: str) -> None:
    provision_group(
        spec=GroupSpec(name=slug, slug=slug, country="GB", timezone="Europe/London",
                       default_language="en", map_center_lat=51.5, map_center_lng=-0.1),
        admin=AdminSpec(name="Ada", email=f"ada@{slug}.example.org", password=PASSWORD),
    )


def every_schema() -> list[str]:
    return sorted(Group.objects.values_list("schema_name", flat=True))


def run(**options):
    return migrate_fleet(public=False, workers=2, batch_size=2, say=lambda message: None,
                         **options)


def sql(query: str, params=()) -> list[tuple]:
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def has_flag(schema: str) -> bool:
    """The column, its index, and the migration's row in the schema's history."""
    column = sql("SELECT 1 FROM information_schema.columns WHERE table_schema = %s "
                 "AND table_name = %s AND column_name = 'flag'", [schema, TABLE])
    index = sql("SELECT 1 FROM pg_indexes WHERE schemaname = %s AND tablename = %s "
                "AND indexdef LIKE '%%(flag)'", [schema, TABLE])
    row = sql(f'SELECT 1 FROM "{schema}".django_migrations WHERE app = %s AND name = %s',
              ["migration_probe", ADD_FLAG[0]])
    assert bool(column) == bool(index) == bool(row), (schema, column, index, row)
    return bool(column)


@pytest.fixture
def fleet():
    for slug in SLUGS:
        make_group(slug)
    return SLUGS


@pytest.fixture
def flag_shipped(tmp_path, fleet):
    """Migration 0003 (a column with a default and an index) ships; taken back out after."""
    with shipped(tmp_path, ADD_FLAG):
        yield
    unship(every_schema())


def test_a_migration_reaches_the_template_and_every_group(flag_shipped):
    sql(f"INSERT INTO \"fleet-a\".{TABLE} (text, extra) VALUES ('before', '')")
    report = run()
    assert report.template_migrations == [["migration_probe", ADD_FLAG[0]]]
    assert report.outcome.failed == {}
    assert sorted(report.outcome.migrated) == every_schema()  # alpha, beta and ours
    assert all(has_flag(schema) for schema in every_schema() + ["_template"])
    # Django sees each group as migrated; the existing row got the default.
    connection.set_schema("fleet-a")
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    assert sql(f'SELECT text, flag FROM "fleet-a".{TABLE}') == [("before", 7)]
    # Each group's recorded state is the template's, which new groups are built at.
    target = blueprint.migration_fingerprint("_template")
    assert blueprint.current_fingerprint() == target
    assert set(GroupMigrationState.objects.values_list("fingerprint", flat=True)) == {target}
    assert lagging_groups().count() == 0
    make_group("fleet-new")
    assert has_flag("fleet-new")
    assert lagging_groups().count() == 0


def test_a_rerun_skips_groups_already_migrated(flag_shipped):
    run()
    again = run()
    assert again.template_migrations == []
    assert (again.outcome.migrated, again.outcome.failed) == ([], {})
    # Reading every schema instead of the records finds them all done.
    verified = run(verify=True)
    assert verified.outcome.migrated == [] and sorted(verified.outcome.up_to_date) == every_schema()


def test_a_failing_group_is_reported_the_others_go_on_and_a_rerun_resumes(flag_shipped):
    sql(f'ALTER TABLE "fleet-b".{TABLE} RENAME TO probenote_aside')  # sabotage one group
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 group"):
        call_command("migrate_fleet", skip_public=True, workers=2, stdout=out, stderr=err)
    assert "fleet-b: " in err.getvalue() and TABLE in err.getvalue()
    assert "fleet-a" not in err.getvalue()
    assert not has_flag("fleet-b")
    assert all(has_flag(s) for s in every_schema() if s != "fleet-b")
    assert list(lagging_groups().values_list("schema_name", flat=True)) == ["fleet-b"]

    sql(f'ALTER TABLE "fleet-b".probenote_aside RENAME TO {TABLE}')  # the operator fixes it
    again = run()
    assert again.template_migrations == []  # the template was done: the stored SQL serves
    assert (again.outcome.migrated, again.outcome.failed) == (["fleet-b"], {})
    assert has_flag("fleet-b")
    assert lagging_groups().count() == 0


def test_a_group_whose_state_is_unknown_is_checked_not_migrated_again(flag_shipped):
    run()
    GroupMigrationState.objects.filter(group__schema_name="fleet-c").delete()
    assert list(lagging_groups().values_list("schema_name", flat=True)) == ["fleet-c"]
    report = run()
    assert (report.outcome.migrated, report.outcome.up_to_date) == ([], ["fleet-c"])
    assert lagging_groups().count() == 0


def test_a_data_migration_is_refused_on_the_fast_path_and_done_by_the_slow_one(tmp_path, fleet):
    before = blueprint.migration_fingerprint("_template")
    try:
        with shipped(tmp_path, ADD_NOTE_IN_PYTHON):
            with pytest.raises(CommandError) as refused:
                call_command("migrate_fleet", skip_public=True, stdout=StringIO())
            message = str(refused.value)
            assert f"migration_probe.{ADD_NOTE_IN_PYTHON[0]}: Raw Python operation" in message
            assert "migrate_fleet --slow" in message
            assert blueprint.migration_fingerprint("_template") == before  # nothing ran

            report = run(slow=True)
            assert report.outcome.failed == {}
            assert sorted(report.outcome.migrated) == every_schema()
            for schema in every_schema() + ["_template"]:
                assert sql(f'SELECT text FROM "{schema}".{TABLE}') == [("hello",)]
            assert lagging_groups().count() == 0
            assert run(slow=True).outcome.migrated == []  # resumable: nothing left to do
    finally:
        unship(every_schema())


def test_bad_options_get_a_clear_message():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("migrate_fleet", workers=0)
