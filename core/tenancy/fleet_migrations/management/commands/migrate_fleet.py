"""`migrate_fleet`: migrate the public schema, the template and every group schema.

Exit status 1 when a group failed (each is listed; the others are migrated); run it again
after fixing them: groups already at the latest state are skipped.
"""

from django.core.management.base import BaseCommand, CommandError

from core.tenancy.fleet_migrations.capture import FastPathRefused
from core.tenancy.fleet_migrations.services import FleetBusy, migrate_fleet


class Command(BaseCommand):
    help = "Apply pending migrations to the template and every group schema, fast."

    def add_arguments(self, parser):
        parser.add_argument(
            "--slow", action="store_true",
            help="Run Django's migrate in each schema (needed for data migrations).")
        parser.add_argument(
            "--verify", action="store_true",
            help="Read every group's migration state from its schema, not from the record.")
        parser.add_argument("--skip-public", action="store_true",
                            help="Leave the public schema alone.")
        parser.add_argument("--workers", type=int, default=4,
                            help="Connections replaying SQL in parallel (fast path; default 4).")
        parser.add_argument("--batch-size", type=int, default=50,
                            help="Schemas per batch (one state query each; default 50).")

    def handle(self, *args, slow, verify, skip_public, workers, batch_size, verbosity, **options):
        if workers < 1 or batch_size < 1:
            raise CommandError("--workers and --batch-size must be at least 1")

        def progress(done, total):
            if verbosity >= 1 and (done % 1000 < batch_size or done == total):
                self.stderr.write(f"  groups: {done}/{total}")

        def say(message):
            if verbosity >= 1:
                self.stdout.write(message)

        try:
            report = migrate_fleet(slow=slow, verify=verify, public=not skip_public,
                                   workers=workers, batch_size=batch_size, progress=progress,
                                   say=say)
        except (FastPathRefused, FleetBusy) as exc:
            raise CommandError(str(exc)) from exc
        outcome = report.outcome
        say(f"groups: {len(outcome.migrated)} migrated, {len(outcome.up_to_date)} already "
            f"up to date, {len(outcome.failed)} failed ({report.seconds:.1f} s)")
        for schema, reason in sorted(outcome.failed.items()):
            self.stderr.write(f"  {schema}: {reason}")
        if outcome.failed:
            raise CommandError(
                f"{len(outcome.failed)} group(s) not migrated (listed above); fix them and run "
                "migrate_fleet again: the others are done and will be skipped")
