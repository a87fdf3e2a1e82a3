"""migrate_fleet: the public schema, the template, then every group schema not at the
template's state. Fast by default (SQL captured once, replayed per schema); `slow=True`
runs Django's migrate in each schema instead (for data migrations)."""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from core.tenancy import blueprint, pool, recycling, template
from core.tenancy.fleet_migrations import capture, states
from core.tenancy.fleet_migrations.replay import Outcome, Steps, replay
from core.tenancy.models import Group

_LOCK = 0x4D41_4D46  # advisory lock id: one fleet migration at a time


class FleetBusy(RuntimeError):
    """Another migrate_fleet holds the lock."""


@dataclass
class FleetReport:
    template_migrations: list[list[str]] = field(default_factory=list)
    outcome: Outcome = field(default_factory=Outcome)
    target: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.outcome.failed


def migrate_fleet(*, slow: bool = False, verify: bool = False, public: bool = True,
                  workers: int = 4, batch_size: int = 50, progress=None, say=print) -> FleetReport:
    """Migrate the public schema, the template and every group; report, never stop at a
    failed group. `verify`: read every group's state from its schema, not the record.

    Raises capture.FastPathRefused (nothing changed) when the fast path cannot do the
    pending migrations, FleetBusy when another run holds the lock.
    """
    started = time.perf_counter()
    report = FleetReport()
    with _exclusive():
        if public and capture.public_pending():
            call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
            connection.set_schema_to_public()
        if slow:
            template.migrate_template()  # Django's migrate; also the blueprint and the pool
        else:
            step = capture.migrate_template(for_groups=Group.objects.exists())
            if step is not None:
                report.template_migrations = step.migrations
                say(f"template: {len(step.migrations)} migrations applied, SQL captured")
            _refresh_blueprint_if_stale()
        report.target = blueprint.migration_fingerprint(settings.TEMPLATE_SCHEMA)
        run = _slow if slow else _fast
        attempted: set[int] = set()
        # Again until no group is left that this run has not tried: a signup that began
        # before the template moved on commits at the old state while we work.
        while todo := [(pk, schema) for pk, schema in _candidates(report.target, verify)
                       if pk not in attempted]:
            attempted.update(pk for pk, _ in todo)
            report.outcome.add(run(todo, report.target, workers, batch_size, progress))
            verify = False
    report.seconds = time.perf_counter() - started
    return report


def _candidates(target: str, verify: bool) -> list[tuple[int, str]]:
    groups = Group.objects.all() if verify else states.behind(target)
    return list(groups.order_by("pk").values_list("pk", "schema_name"))


def _fast(groups, target, workers, batch_size, progress) -> Outcome:
    return replay(groups, Steps(target), workers=workers, batch_size=batch_size,
                  progress=progress)


def _slow(groups, target, workers, batch_size, progress) -> Outcome:
    """Django's migrate in each schema through django-tenants, one schema after another
    (its migrate is not thread-safe); the state is read first in batches, so a re-run
    skips the schemas already done."""
    outcome = Outcome()
    for i in range(0, len(groups), batch_size):
        batch = groups[i:i + batch_size]
        found = states.read([schema for _, schema in batch])
        done = {}
        for group_id, schema in batch:
            if found[schema] == target:
                done[group_id] = target
                outcome.up_to_date.append(schema)
                continue
            try:
                call_command("migrate_schemas", tenant=True, schema_name=schema,
                             interactive=False, verbosity=0)
                connection.set_schema_to_public()
                done[group_id] = blueprint.migration_fingerprint(schema)
                outcome.migrated.append(schema)
            except Exception as exc:  # any failure: report this schema, go on with the rest
                connection.set_schema_to_public()
                outcome.failed[schema] = (str(exc).strip().splitlines() or [repr(exc)])[0]
                connection.close_if_unusable_or_obsolete()
        states.record(done)
        if progress:
            progress(min(i + batch_size, len(groups)), len(groups))
    return outcome


def _refresh_blueprint_if_stale() -> None:
    """New groups must be built at the template's state: recapture it when it moved on
    (this run, or a run that died before recapturing), and rebuild the warm pool."""
    fingerprint = blueprint.migration_fingerprint(settings.TEMPLATE_SCHEMA)
    try:
        current = blueprint.current_fingerprint()
    except RuntimeError:
        current = None
    if current != fingerprint:
        blueprint.refresh()
        pool.drain()
        pool.fill()


@contextmanager
def _exclusive():
    """An advisory lock for the whole run, on a connection of its own: the migrate commands
    along the way close Django's connection (and would release a lock held there)."""
    holder = connection.get_new_connection(connection.get_connection_params())
    try:
        holder.autocommit = True
        if not holder.execute("SELECT pg_try_advisory_lock(%s)", [_LOCK]).fetchone()[0]:
            raise FleetBusy("another migrate_fleet is running; try again when it has finished")
        yield
    finally:
        holder.close()  # releases the lock
        recycling.close_if_tired(connection)
