"""manage.py create_sponsor --name "City Council" --groups 20 --ends 2027-03-31 [--codes N]"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from billing.services import create_sponsor
from core.errors import Refused


class Command(BaseCommand):
    help = "Create a sponsor paying for up to N groups until a date, and print its codes."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--groups", type=int, required=True)
        parser.add_argument("--ends", required=True, help="last sponsored day, YYYY-MM-DD")
        parser.add_argument("--codes", type=int, default=None, help="default: --groups")

    def handle(self, *args, name, groups, ends, codes, **options):
        try:
            ends_on = date.fromisoformat(ends)
        except ValueError:
            raise CommandError("--ends must be a date, YYYY-MM-DD") from None
        try:
            sponsor = create_sponsor(name=name, max_groups=groups, ends_on=ends_on,
                                     codes=codes, actor=None)
        except Refused as refused:
            raise CommandError(str(refused.message)) from None
        self.stdout.write(f"Sponsor {sponsor.name} (#{sponsor.pk}), until {sponsor.ends_on}:")
        for code in sponsor.codes.all():
            self.stdout.write(code.code)
