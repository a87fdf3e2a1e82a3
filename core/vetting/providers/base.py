"""The one interface every vetting provider adapter implements.

A provider starts a check for a candidate, reports its status when asked, and turns a
webhook it sent into an event (after checking the signature with the group's credentials).
Adapters hold no state and touch no tables: the tenant app stores what they return.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from core.vetting.states import CheckLevel, CheckState


class ProviderError(Exception):
    """The provider could not be reached or refused the call. `message` is safe to show a
    coordinator (no credentials in it)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class BadSignature(Exception):
    """A webhook whose signature does not verify: it changes nothing."""


@dataclass(frozen=True)
class Candidate:
    """Who is checked. Only what the provider needs; adapters send nothing else."""

    reference: str  # our check's id, for the provider's records
    first_name: str
    last_name: str
    email: str
    level: str = CheckLevel.ENHANCED
    date_of_birth: date | None = None
    phone: str = ""  # international format, +44...
    country: str = ""  # ISO 3166 code of where they volunteer
    region: str = ""  # US state, when the provider needs one


@dataclass(frozen=True)
class ProviderRef:
    """A check started at the provider."""

    reference: str  # the provider's id that its webhooks and status calls name
    state: str = CheckState.PENDING
    action_url: str = ""  # where the volunteer completes the provider's form, if any


@dataclass(frozen=True)
class StatusUpdate:
    reference: str
    state: str
    certificate_number: str = ""
    completed_on: date | None = None
    expires_on: date | None = None
    detail: str = ""  # the provider's own words for the status, for coordinators


@dataclass(frozen=True)
class WebhookEvent:
    event_id: str  # de-duplicated by the receiver: a replay changes nothing
    event_type: str
    update: StatusUpdate | None = None  # None: an event with nothing to apply


@dataclass(frozen=True)
class CredentialField:
    name: str
    label: str
    secret: bool = True
    required: bool = True


class Provider:
    """Base class: subclasses set the class attributes and implement the three calls."""

    name: str = ""
    label = ""
    credential_fields: tuple[CredentialField, ...] = ()
    levels: tuple[str, ...] = (CheckLevel.BASIC, CheckLevel.ENHANCED)
    has_webhooks = True
    # A coordinator records the outcome (manual), rather than the provider.
    manual = False

    def start_check(self, credentials: Mapping[str, str], candidate: Candidate) -> ProviderRef:
        raise NotImplementedError

    def fetch_status(self, credentials: Mapping[str, str], reference: str) -> StatusUpdate | None:
        raise NotImplementedError

    def verify_webhook(self, headers: Mapping[str, str], body: bytes,
                       credentials: Mapping[str, str]) -> WebhookEvent:
        raise BadSignature(f"{self.name} sends no webhooks")
