"""`create_operator --email ops@example.org --name "Ops"`: a platform operator (a
public-schema user with is_staff) who signs in at the platform host and uses /operators/.
The password is asked for (twice) unless OPERATOR_PASSWORD is set (for scripts)."""

from __future__ import annotations

import getpass
import os

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django_tenants.utils import get_public_schema_name, schema_context

from core.errors import Refused
from mutualaid.console.services import create_operator


class Command(BaseCommand):
    help = "Create a platform operator (staff user in the public schema)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="")
        parser.add_argument("--superuser", action="store_true",
                            help="every operator permission (is_superuser)")

    def handle(self, *args, email, name, superuser, **options):
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"not an email address: {email!r}") from None
        password = os.environ.get("OPERATOR_PASSWORD") or self._ask()
        try:
            password_validation.validate_password(password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        with schema_context(get_public_schema_name()):
            try:
                create_operator(email=email, name=name, password=password,
                                superuser=superuser)
            except Refused as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(f"Operator {email} created. Sign in at the platform host, then "
                          "open /operators/.")

    def _ask(self) -> str:
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("the passwords differ")
        return first
