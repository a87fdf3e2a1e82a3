"""Providers by name. A new provider: an adapter in providers/, one line here."""

from __future__ import annotations

from core.vetting.providers.base import Provider
from core.vetting.providers.checkr import CheckrProvider
from core.vetting.providers.manual import ManualProvider
from core.vetting.providers.sanctionssearch import SanctionsSearchDbsProvider

PROVIDERS: dict[str, Provider] = {
    p.name: p for p in (ManualProvider(), CheckrProvider(), SanctionsSearchDbsProvider())
}


class UnknownProvider(KeyError):
    pass


def get(name: str) -> Provider:
    try:
        return PROVIDERS[name]
    except KeyError:
        raise UnknownProvider(name) from None


def choices() -> list[tuple[str, str]]:
    return [(p.name, p.label) for p in PROVIDERS.values()]
