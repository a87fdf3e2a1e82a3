"""Provisioning copies the template: all or nothing, race-safe, and migratable later."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from core.accounts.models import User
from core.tenancy import blueprint, pool, provisioning
from core.tenancy.models import Domain, Group, LoginHandoff, PooledSchema
from core.tenancy.provisioning import AdminSpec, GroupSpec, SlugTaken, provision_group
from core.tenancy.template import migrate_template
from core.testing.people import PASSWORD


def spec(slug: str) -> GroupSpec:
    return GroupSpec(
        name=f"{slug} aid", slug=slug, country="ES", timezone="Europe/Madrid",
        default_language="es", map_center_lat=40.4, map_center_lng=-3.7,
    )


ADMIN = AdminSpec(name="Ana", email="ana@example.org", password=PASSWORD)


def schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None


def columns(schema: str, table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
            [schema, table],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_a_cloned_schema_is_identical_to_the_template(groups):
    blueprint.build("clone-check")
    # Same tables, columns, constraints, indexes and rows: replayed SQL captures alike.
    template_sql = blueprint.capture("_template").replace('"_template"', "S")
    clone_sql = blueprint.capture("clone-check").replace('"clone-check"', "S")
    assert clone_sql == template_sql
    connection.set_schema("clone-check")
    # Migration history came along, so Django sees the schema as fully migrated.
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


@pytest.mark.django_db
def test_identity_sequences_continue_after_copied_rows(groups):
    from django.db.migrations.recorder import MigrationRecorder

    provision_group(spec=spec("sequences"), admin=ADMIN)
    connection.set_schema("sequences", include_public=False)
    Migration = MigrationRecorder.Migration
    before = Migration.objects.order_by("-pk").first().pk
    created = Migration.objects.create(app="x", name="y")
    assert created.pk == before + 1


@pytest.mark.committed
@pytest.mark.parametrize("failing_step", [s.__name__ for s in provisioning.STEPS])
def test_a_failure_at_any_step_leaves_nothing(monkeypatch, failing_step):
    def fail_after(step):
        def run(p):
            step(p)
            raise RuntimeError(f"injected failure after {step.__name__}")
        return run

    steps = [fail_after(s) if s.__name__ == failing_step else s for s in provisioning.STEPS]
    monkeypatch.setattr(provisioning, "STEPS", steps)
    pool.fill()
    pooled_before = sorted(PooledSchema.objects.values_list("name", flat=True))
    groups_before = Group.objects.count()
    with pytest.raises(RuntimeError, match="injected failure"):
        provision_group(spec=spec("doomed"), admin=ADMIN)
    assert not schema_exists("doomed")
    assert Group.objects.count() == groups_before
    assert not Domain.objects.filter(domain__startswith="doomed.").exists()
    assert not LoginHandoff.objects.filter(group__schema_name="doomed").exists()
    assert connection.schema_name == "public"
    # A pooled schema claimed by the failed signup went back to the pool, intact.
    assert sorted(PooledSchema.objects.values_list("name", flat=True)) == pooled_before
    assert all(schema_exists(name) for name in pooled_before)


@pytest.mark.committed
def test_a_slug_taken_just_before_is_refused_by_provisioning_itself():
    # The form's check passed a moment ago; another signup committed since.
    provision_group(spec=spec("just-taken"), admin=ADMIN)
    with pytest.raises(SlugTaken):
        provision_group(spec=spec("just-taken"), admin=ADMIN)


@pytest.mark.committed
@pytest.mark.parametrize("attempt", range(3))
def test_two_signups_racing_for_one_slug(attempt):
    slug = f"contested-{attempt}"
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def sign_up(email: str):
        try:
            barrier.wait(timeout=10)
            provision_group(spec=spec(slug), admin=AdminSpec("R", email, PASSWORD))
            outcomes.append("won")
        except SlugTaken:
            outcomes.append("taken")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_up, args=(f"r{i}@example.org",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["taken", "won"]
    assert Group.objects.filter(schema_name=slug).count() == 1
    assert Domain.objects.filter(domain__startswith=f"{slug}.").count() == 1
    connection.set_schema(slug)
    assert User.objects.count() == 1


@pytest.mark.committed
def test_an_orphan_schema_counts_as_taken():
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "orphaned"')
    try:
        with pytest.raises(SlugTaken):
            provision_group(spec=spec("orphaned"), admin=ADMIN)
        assert not Group.objects.filter(schema_name="orphaned").exists()
    finally:
        with connection.cursor() as cursor:
            cursor.execute('DROP SCHEMA "orphaned" CASCADE')


@pytest.mark.committed
def test_a_migration_added_after_cloning_applies_to_cloned_groups():
    # The template as it was before migration 0002 existed...
    migrate_template("migration_probe", "0001_initial")
    try:
        provision_group(spec=spec("latecomer"), admin=ADMIN)
        assert "extra" not in columns("latecomer", "migration_probe_probenote")
        # ...then 0002 "ships" and migrations run as in a deploy.
        call_command("migrate", interactive=False, verbosity=0)
        assert "extra" in columns("latecomer", "migration_probe_probenote")
        with connection.cursor() as cursor:
            cursor.execute(
                'SELECT name FROM "latecomer".django_migrations WHERE app = %s ORDER BY name',
                ["migration_probe"],
            )
            assert [r[0] for r in cursor.fetchall()] == ["0001_initial", "0002_probenote_extra"]
        # The template and its blueprint moved on too: the next group starts with the column.
        assert "extra" in columns("_template", "migration_probe_probenote")
        provision_group(spec=spec("newcomer"), admin=ADMIN)
        assert "extra" in columns("newcomer", "migration_probe_probenote")
        # The warm pool was rebuilt at the new state as well.
        fresh = blueprint.current().fingerprint
        assert set(PooledSchema.objects.values_list("fingerprint", flat=True)) == {fresh}
        for name in PooledSchema.objects.values_list("name", flat=True):
            assert "extra" in columns(name, "migration_probe_probenote")
    finally:
        migrate_template()


@pytest.mark.django_db
def test_handoff_token_is_one_time_and_bound_to_its_group(groups):
    alpha = Group.objects.get(schema_name="alpha")
    beta = Group.objects.get(schema_name="beta")
    token = provisioning.issue_handoff(group=alpha, user_id=1)
    assert provisioning.redeem_handoff(group=beta, token=token) is None
    assert provisioning.redeem_handoff(group=alpha, token=token) == 1
    assert provisioning.redeem_handoff(group=alpha, token=token) is None


@pytest.mark.django_db
def test_an_expired_handoff_token_does_not_log_in(groups):
    from datetime import timedelta

    from django.utils import timezone

    alpha = Group.objects.get(schema_name="alpha")
    token = provisioning.issue_handoff(group=alpha, user_id=1)
    mine = LoginHandoff.objects.filter(token_hash=provisioning._hash(token))
    mine.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert provisioning.redeem_handoff(group=alpha, token=token) is None
    assert not mine.exists()


def tables(schema: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema]
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.committed
def test_signup_renames_a_schema_from_the_warm_pool(settings):
    pool.fill()
    pooled = set(PooledSchema.objects.values_list("name", flat=True))
    assert len(pooled) == settings.SCHEMA_POOL_SIZE
    provision_group(spec=spec("pooled"), admin=ADMIN)
    claimed = [name for name in pooled if not schema_exists(name)]
    assert len(claimed) == 1
    assert tables("pooled") == tables("_template")
    connection.set_schema("pooled")
    assert User.objects.get().email == "ana@example.org"
    connection.set_schema_to_public()
    # Topped up again once the signup committed (in-process here; a worker in production).
    assert PooledSchema.objects.count() == settings.SCHEMA_POOL_SIZE
    assert claimed[0] not in set(PooledSchema.objects.values_list("name", flat=True))


@pytest.mark.committed
def test_an_empty_pool_falls_back_to_building_the_schema():
    pool.drain()
    provision_group(spec=spec("unpooled"), admin=ADMIN)
    assert tables("unpooled") == tables("_template")


@pytest.mark.committed
def test_the_admin_password_is_stored_after_the_commit():
    result = provision_group(spec=spec("passwords"), admin=ADMIN)
    result.password_stored.result(timeout=30)
    connection.set_schema("passwords")
    admin = User.objects.get()
    assert admin.check_password(PASSWORD)
    assert admin.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


@pytest.mark.committed
def test_a_password_set_before_the_hash_lands_is_not_overwritten():
    from concurrent.futures import Future

    slow: Future = Future()  # a hash that is still being computed
    result = provision_group(spec=spec("reset-first"), admin=ADMIN, password_hash=slow)
    connection.set_schema("reset-first")
    admin = User.objects.get()
    assert not admin.has_usable_password()
    try:
        admin.set_password("a-new-password-77")  # e.g. via "forgot password"
        admin.save()
        connection.set_schema_to_public()
    finally:
        from django.contrib.auth.hashers import make_password

        slow.set_result(make_password(PASSWORD))  # never leave the store thread waiting
    result.password_stored.result(timeout=30)
    connection.set_schema("reset-first")
    assert User.objects.get().check_password("a-new-password-77")


@pytest.mark.committed
def test_a_dropped_group_stops_being_served_at_once(client):
    from core.tenancy.fleet import drop_groups

    provision_group(spec=spec("gone"), admin=ADMIN).password_stored.result(timeout=30)
    assert client.get("/", HTTP_HOST="gone.localhost").status_code == 200  # now cached
    drop_groups(Group.objects.filter(schema_name="gone"))
    assert client.get("/", HTTP_HOST="gone.localhost").status_code == 404
