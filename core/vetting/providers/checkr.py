"""Checkr (US background checks), through its HTTP API, https://docs.checkr.com.

- Authentication: HTTP basic, the secret API key as the user name, no password.
- Starting: POST /v1/candidates (email, names, custom_id), then POST /v1/invitations
  (candidate_id, package, work_locations): Checkr emails the candidate a link
  (`invitation_url`) to give consent and their details; it then runs the report.
- Status: GET /v1/candidates/{id} (its `report_ids`), GET /v1/reports/{id}.
- Webhooks: POST with `X-Checkr-Signature`, the hex HMAC-SHA256 of the raw body keyed with the
  API key. The event has `id`, `type` ("report.completed", ...) and `data.object` (the report
  or invitation itself, with the account's "include object" option on).

Our reference for a check is the Checkr candidate id (one candidate per check), which report
and invitation objects both carry.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.vetting.providers import _http
from core.vetting.providers.base import (
    BadSignature, Candidate, CredentialField, Provider, ProviderError, ProviderRef, StatusUpdate,
    WebhookEvent,
)
from core.vetting.states import CheckState

S = CheckState


class CheckrProvider(Provider):
    name = "checkr"
    label = _("Checkr (United States)")
    credential_fields = (
        CredentialField("api_key", _("Secret API key")),
        CredentialField("package_basic", _("Package for basic checks"), secret=False),
        CredentialField("package_enhanced", _("Package for enhanced checks"), secret=False),
        CredentialField("work_state", _("US state where volunteers work (two letters)"),
                        secret=False, required=False),
    )

    def start_check(self, credentials: Mapping[str, str], candidate: Candidate) -> ProviderRef:
        package = credentials.get(f"package_{candidate.level}") or ""
        if not package:
            raise ProviderError(_("No Checkr package is set for this level of check."))
        made = self._call(credentials, "POST", "/candidates", json={
            "email": candidate.email, "first_name": candidate.first_name,
            "last_name": candidate.last_name, "custom_id": candidate.reference,
            "no_middle_name": True,
        })
        location = {"country": candidate.country or "US"}
        if credentials.get("work_state") or candidate.region:
            location["state"] = candidate.region or credentials["work_state"]
        invitation = self._call(credentials, "POST", "/invitations", json={
            "candidate_id": made["id"], "package": package, "work_locations": [location],
        })
        return ProviderRef(reference=made["id"], state=S.PENDING,
                           action_url=invitation.get("invitation_url", ""))

    def fetch_status(self, credentials: Mapping[str, str], reference: str) -> StatusUpdate:
        found = self._call(credentials, "GET", f"/candidates/{reference}")
        report_ids = found.get("report_ids") or []
        if not report_ids:
            return StatusUpdate(reference=reference, state=S.PENDING, detail="invitation")
        return _from_report(self._call(credentials, "GET", f"/reports/{report_ids[-1]}"))

    def verify_webhook(self, headers: Mapping[str, str], body: bytes,
                       credentials: Mapping[str, str]) -> WebhookEvent:
        key = credentials.get("api_key") or ""
        if not key or not _http.same(_http.hmac_sha256_hex(key, body),
                                     headers.get("X-Checkr-Signature")):
            raise BadSignature("X-Checkr-Signature does not match")
        try:
            event = json.loads(body)
            event_id, event_type = str(event["id"]), str(event["type"])
        except (ValueError, KeyError, TypeError):
            raise BadSignature("signed, but not a Checkr event") from None
        found = ((event.get("data") or {}).get("object")) or {}
        return WebhookEvent(event_id=event_id, event_type=event_type,
                            update=_update_for(event_type, found))

    def _call(self, credentials, method: str, path: str, **kwargs) -> dict:
        return _http.call(method, settings.VETTING_CHECKR_API_URL.rstrip("/") + path,
                          auth=(credentials.get("api_key") or "", ""), **kwargs)


def _update_for(event_type: str, found: dict) -> StatusUpdate | None:
    if not found.get("candidate_id"):
        return None
    if event_type.startswith("report.") and "status" in found:
        return _from_report(found)
    if event_type in ("invitation.expired", "invitation.deleted"):
        return StatusUpdate(reference=found["candidate_id"], state=S.FAILED,
                            detail=event_type)
    return None  # invitation.created/completed, candidate.*: nothing changes for us


def _from_report(report: dict) -> StatusUpdate:
    return StatusUpdate(
        reference=report.get("candidate_id", ""), state=_report_state(report),
        completed_on=_day(report.get("completed_at")),
        detail=" ".join(filter(None, [report.get("status"), report.get("result"),
                                      report.get("adjudication")])),
    )


def _report_state(report: dict) -> str:
    status, adjudication = report.get("status"), report.get("adjudication")
    if adjudication == "post_adverse_action":
        return S.FAILED
    if adjudication == "pre_adverse_action":
        return S.NEEDS_REVIEW
    if adjudication == "engaged":  # the account reviewed a "consider" and went ahead
        return S.CLEAR
    if status == "complete":
        return S.CLEAR if report.get("result") == "clear" else S.NEEDS_REVIEW
    if status == "dispute":
        return S.NEEDS_REVIEW
    if status == "canceled":
        return S.FAILED
    return S.PENDING  # pending, suspended (waiting on the candidate), paused


def _day(value) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()
    except ValueError:
        return None

