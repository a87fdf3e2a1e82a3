"""`rescore_deprivation [--group SLUG]`: requests' deprivation deciles, looked up again.

Run after `load_deprivation` loads, replaces or removes a dataset. With --group, in that
group now; without, one task per active group through tenancy.dispatch_to_groups.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.tenancy.models import Group


class Command(BaseCommand):
    help = "Look up the deprivation decile of every located request again."

    def add_arguments(self, parser):
        parser.add_argument("--group", help="a group's slug (default: every active group)")

    def handle(self, *args, group, **options):
        if group:
            found = Group.objects.filter(schema_name=group).first()
            if found is None:
                raise CommandError(f"no group {group!r}")
            from tenants.requests.services import rescore_deprivation

            connection.set_tenant(found)
            try:
                changed = rescore_deprivation()
            finally:
                connection.set_schema_to_public()
            self.stdout.write(f"{group}: {changed} requests re-scored.")
            return
        from core.tenancy.tasks import dispatch_to_groups

        dispatch_to_groups.delay("requests.rescore_deprivation")
        self.stdout.write("Re-scoring sent to every active group.")
