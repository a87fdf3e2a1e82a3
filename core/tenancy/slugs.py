"""What makes a group slug valid: it is a DNS label, a schema name and a URL, forever."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MIN_LENGTH, MAX_LENGTH = 3, 40
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")

# Hosts and words the platform keeps for itself or that would mislead people.
RESERVED = frozenset(
    """
    www admin administrator api app apps assets auth billing blog cdn console dashboard
    dev docs email fleet ftp help imap info localhost login logout mail media mx news ns ns1
    ns2 operator operators platform pop pop3 postgres postmaster public root security signup
    smtp staging static status stripe support system template test tenant tenants webhook
    webhooks webmail
    """.split()
)


def validate_slug(value: str) -> None:
    if not value.isascii():
        raise ValidationError(
            _("Use only lowercase letters a-z, digits and hyphens (no accents or symbols)."),
            code="not_ascii",
        )
    if not MIN_LENGTH <= len(value) <= MAX_LENGTH:
        raise ValidationError(
            _("The address must be between %(min)d and %(max)d characters long."),
            code="length",
            params={"min": MIN_LENGTH, "max": MAX_LENGTH},
        )
    if not _SLUG.match(value) or "--" in value:
        raise ValidationError(
            _("Use only lowercase letters, digits and single hyphens, not at the start or end."),
            code="invalid",
        )
    if value in RESERVED:
        raise ValidationError(_("This address is reserved. Please choose another."), code="reserved")


def suggest_slug(name: str) -> str:
    """A valid slug close to a group's name ('Barrio Norte Ayuda!' -> 'barrio-norte-ayuda')."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:MAX_LENGTH].rstrip("-")
