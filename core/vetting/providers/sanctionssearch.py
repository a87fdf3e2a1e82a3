"""DBS checks (England and Wales) through Sanctions Search's DBS API, a UK screening service
with a documented HTTP API: https://api.sanctionssearch.com/v2/docs/.

Documented, and used as documented:
- Authentication: headers `X-Api-User` (API user id) and `X-Api-Key` (API user key).
- Starting: POST /v2/dbs, body {"Request": {Name, DateOfBirth (DD/MM/YYYY), Email,
  MobileInternational, JobLocation, DisclosureLevel, Reference}}; the answer's
  Data.Summary.Id names the search. The applicant is emailed a form to fill in.
- Status: GET /v2/dbs/{Id}: Data.Summary with Status ("Waiting for Applicant", ...,
  "Sent to DBS: (...)", "Awaiting Disclosure", "Disclosed"), IsApplicationDisclosed,
  DisclosureStatus and DisclosureLevel.

Assumed (not in the public documentation; see core/vetting/README.md):
- the words of DisclosureStatus: a certificate with nothing on it says "clear", "blank" or
  "no information"; anything else is read by a coordinator (needs review), since a DBS
  certificate is never simply "failed";
- the certificate number, read from Summary.CertificateNumber when present;
- webhooks: POST {"EventId", "EventType", "Data": {"Summary": {...}}} signed in
  `X-SanctionsSearch-Signature` with the hex HMAC-SHA256 of the raw body, keyed with a
  webhook secret set in the group's account. Polling (fetch_status) needs none of this.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, datetime, timezone

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.vetting.providers import _http
from core.vetting.providers.base import (
    BadSignature, Candidate, CredentialField, Provider, ProviderError, ProviderRef, StatusUpdate,
    WebhookEvent,
)
from core.vetting.states import CheckLevel, CheckState

S = CheckState
SIGNATURE_HEADER = "X-SanctionsSearch-Signature"
DISCLOSURE_LEVELS = {CheckLevel.BASIC: "Basic", CheckLevel.ENHANCED: "Enhanced"}
CLEAR_WORDS = ("clear", "blank", "no information")


class SanctionsSearchDbsProvider(Provider):
    name = "sanctionssearch"
    label = _("DBS check through Sanctions Search (United Kingdom)")
    credential_fields = (
        CredentialField("api_user_id", _("API user id"), secret=False),
        CredentialField("api_user_key", _("API user key")),
        CredentialField("webhook_secret", _("Webhook signing secret"), required=False),
        CredentialField("job_location", _("Where volunteers work (e.g. England)"),
                        secret=False, required=False),
    )

    def start_check(self, credentials: Mapping[str, str], candidate: Candidate) -> ProviderRef:
        if candidate.date_of_birth is None or not candidate.phone:
            raise ProviderError(_("A DBS check needs the volunteer's date of birth and mobile "
                                  "number."))
        answer = self._call(credentials, "POST", "/dbs", json={"Request": {
            "Name": f"{candidate.first_name} {candidate.last_name}".strip(),
            "DateOfBirth": candidate.date_of_birth.strftime("%d/%m/%Y"),
            "Email": candidate.email,
            "MobileInternational": candidate.phone,
            "JobLocation": credentials.get("job_location") or "England",
            "DisclosureLevel": DISCLOSURE_LEVELS[candidate.level],
            "Reference": candidate.reference,
        }})
        summary = _summary(answer)
        return ProviderRef(reference=str(summary["Id"]), state=S.PENDING)

    def fetch_status(self, credentials: Mapping[str, str], reference: str) -> StatusUpdate:
        return _from_summary(_summary(self._call(credentials, "GET", f"/dbs/{int(reference)}")))

    def verify_webhook(self, headers: Mapping[str, str], body: bytes,
                       credentials: Mapping[str, str]) -> WebhookEvent:
        secret = credentials.get("webhook_secret") or ""
        if not secret or not _http.same(_http.hmac_sha256_hex(secret, body),
                                        headers.get(SIGNATURE_HEADER)):
            raise BadSignature(f"{SIGNATURE_HEADER} does not match")
        try:
            event = json.loads(body)
            event_id, event_type = str(event["EventId"]), str(event.get("EventType", ""))
            summary = event["Data"]["Summary"]
        except (ValueError, KeyError, TypeError):
            raise BadSignature("signed, but not a DBS search event") from None
        return WebhookEvent(event_id=event_id, event_type=event_type,
                            update=_from_summary(summary) if summary.get("Id") else None)

    def _call(self, credentials, method: str, path: str, **kwargs) -> dict:
        return _http.call(
            method, settings.VETTING_SANCTIONSSEARCH_API_URL.rstrip("/") + path,
            headers={"X-Api-User": credentials.get("api_user_id") or "",
                     "X-Api-Key": credentials.get("api_user_key") or ""}, **kwargs)


def _summary(answer: dict) -> dict:
    status = answer.get("ResponseStatus") or {}
    if status.get("ErrorCode"):
        raise ProviderError(_("The DBS service refused the request: %(message)s")
                            % {"message": status.get("Message") or status["ErrorCode"]})
    try:
        return answer["Data"]["Summary"]
    except (KeyError, TypeError):
        raise ProviderError(_("The vetting provider's answer could not be read.")) from None


def _from_summary(summary: dict) -> StatusUpdate:
    disclosed = bool(summary.get("IsApplicationDisclosed"))
    words = str(summary.get("DisclosureStatus") or "").lower()
    if not disclosed:
        state = S.PENDING
    elif any(w in words for w in CLEAR_WORDS):
        state = S.CLEAR
    else:
        state = S.NEEDS_REVIEW
    return StatusUpdate(
        reference=str(summary.get("Id", "")), state=state,
        certificate_number=str(summary.get("CertificateNumber") or "")[:64],
        completed_on=_day(summary.get("DateUpdated")) if disclosed else None,
        detail=str(summary.get("Status") or "")[:200],
    )


def _day(value) -> date | None:
    """ISO 8601, as documented, or ServiceStack's other JSON form, /Date(<ms>)/."""
    if not value:
        return None
    wcf = re.fullmatch(r"/Date\((-?\d+)[^)]*\)/", str(value))
    if wcf:
        return datetime.fromtimestamp(int(wcf.group(1)) / 1000, tz=timezone.utc).date()
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()
    except ValueError:
        return None
