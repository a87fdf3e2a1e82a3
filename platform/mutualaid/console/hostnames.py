"""Checking a custom domain an operator adds for a group: a plain host name that the
platform does not already answer for."""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import Refused
from core.tenancy.routing import platform_hosts

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def clean_hostname(raw: str) -> str:
    """The host name in the form the routing table keys it (lower case, IDNA), or Refused."""
    text = (raw or "").strip().lower().rstrip(".")
    if not text:
        raise Refused(_("Enter a domain, like help.example.org."))
    if any(ch in text for ch in "/:@ \t?#\\") or "://" in text:
        raise Refused(_("Enter only the domain, like help.example.org: no https://, port "
                        "or path."))
    try:
        text = text.encode("idna").decode("ascii")
    except UnicodeError:
        raise Refused(_("This is not a valid domain name.")) from None
    labels = text.split(".")
    if len(text) > 253 or len(labels) < 2 or not all(_LABEL.fullmatch(x) for x in labels):
        raise Refused(_("This is not a valid domain name."))
    if labels[-1].isdigit():
        raise Refused(_("Use a domain name, not an IP address."))
    platform = settings.PLATFORM_DOMAIN
    if text in platform_hosts() or text.endswith("." + platform):
        raise Refused(_("Addresses under %(platform)s are the platform's own: choose the "
                        "group's own domain.") % {"platform": platform})
    return text
