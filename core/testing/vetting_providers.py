"""A local stand-in for vetting providers' HTTP APIs, for tests: a threaded http.server that
answers like Checkr (under /checkr/v1) and Sanctions Search's DBS API (under
/sanctionssearch/v2), keeps what it was sent, and signs webhooks as each provider does so a
test can POST them to a live server (`deliver`) or through Django's test client
(`client_headers`).

The fixture `vetting_providers` points settings.VETTING_*_API_URL at it for one test.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import secrets
import threading
import urllib.error
import urllib.request
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

CHECKR_KEY = "checkr-test-key-0123456789"
DBS_USER, DBS_KEY, DBS_WEBHOOK_SECRET = "dbs-user-1", "dbs-key-0123456789", "dbs-hook-secret"
# A group's account details for each, as an admin would enter them.
CHECKR_CREDENTIALS = {"api_key": CHECKR_KEY, "package_basic": "basic_plus",
                      "package_enhanced": "tasker_standard", "work_state": "CA"}
DBS_CREDENTIALS = {"api_user_id": DBS_USER, "api_user_key": DBS_KEY,
                   "webhook_secret": DBS_WEBHOOK_SECRET}


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeProviders:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.fake = self
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.reset()

    # --- life cycle ---------------------------------------------------------------------
    def start(self) -> FakeProviders:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def reset(self) -> None:
        with self.lock:
            self.received: list[tuple[str, str, dict | None]] = []  # method, path, JSON sent
            self.checkr_keys = {CHECKR_KEY}
            self.dbs_users = {DBS_USER: DBS_KEY}
            self.candidates: dict[str, dict] = {}
            self.invitations: dict[str, dict] = {}
            self.reports: dict[str, dict] = {}
            self.searches: dict[int, dict] = {}
            self.search_ids = itertools.count(700001)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    # --- the providers' back offices: what happens while the check runs ------------------
    def checkr_finish(self, candidate_id: str, *, status: str = "complete",
                      result: str | None = "clear", adjudication: str | None = None) -> dict:
        """The candidate's report reaches `status`; returns the report object."""
        with self.lock:
            candidate = self.candidates[candidate_id]
            report_id = candidate["report_ids"][-1] if candidate["report_ids"] else _hex()
            report = self.reports.setdefault(report_id, {
                "id": report_id, "object": "report", "uri": f"/v1/reports/{report_id}",
                "candidate_id": candidate_id, "created_at": _now(), "package": "",
            })
            report.update(status=status, result=result, adjudication=adjudication,
                          completed_at=_now() if status == "complete" else None)
            if report_id not in candidate["report_ids"]:
                candidate["report_ids"].append(report_id)
            return dict(report)

    def checkr_event(self, event_type: str, obj: dict, *, api_key: str = CHECKR_KEY,
                     event_id: str | None = None) -> tuple[dict, bytes]:
        """A webhook as Checkr sends it: (headers, body), signed with the API key."""
        body = json.dumps({
            "id": event_id or _hex(), "object": "event", "type": event_type,
            "created_at": _now(), "webhook_url": "", "data": {"object": obj},
        }).encode()
        signature = hmac.new(api_key.encode(), body, hashlib.sha256).hexdigest()
        return {"Content-Type": "application/json", "X-Checkr-Signature": signature,
                "User-Agent": "Checkr-Webhook/1.0"}, body

    def dbs_disclose(self, search_id: int, *, disclosure_status: str = "Clear",
                     certificate_number: str = "001234567890") -> dict:
        """The DBS issues the certificate; returns the search's summary."""
        with self.lock:
            summary = self.searches[int(search_id)]
            summary.update(Status="Disclosed", DisclosureStatus=disclosure_status,
                           IsApplicantInfoCompleted=True, IsIdCheckCompleted=True,
                           IsApplicationCompleted=True, IsApplicationSubmitted=True,
                           IsApplicationDisclosed=True, DateUpdated=_now(),
                           CertificateNumber=certificate_number)
            return dict(summary)

    def dbs_event(self, summary: dict, *, secret: str = DBS_WEBHOOK_SECRET,
                  event_id: str | None = None) -> tuple[dict, bytes]:
        body = json.dumps({"EventId": event_id or _hex(), "EventType": "DbsSearchUpdated",
                           "Data": {"Summary": summary}}).encode()
        signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return {"Content-Type": "application/json",
                "X-SanctionsSearch-Signature": signature}, body

    # --- delivering webhooks -------------------------------------------------------------
    @staticmethod
    def deliver(url: str, headers: dict, body: bytes, *, host: str | None = None
                ) -> tuple[int, str]:
        """POST a webhook over real HTTP (to a live server); `host` sets the Host header."""
        request = urllib.request.Request(url, data=body, method="POST",
                                         headers={**headers, **({"Host": host} if host else {})})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    @staticmethod
    def client_headers(headers: dict) -> dict:
        """The same headers as Django test client keyword arguments."""
        return {("CONTENT_TYPE" if k.lower() == "content-type"
                 else "HTTP_" + k.upper().replace("-", "_")): v for k, v in headers.items()}

    # --- what the handler calls ----------------------------------------------------------
    def answer(self, method: str, path: str, headers, payload: dict | None) -> tuple[int, dict]:
        with self.lock:
            self.received.append((method, path, payload))
            if path.startswith("/checkr/v1/"):
                return self._checkr(method, path.removeprefix("/checkr/v1"), headers, payload)
            if path.startswith("/sanctionssearch/v2/"):
                return self._dbs(method, path.removeprefix("/sanctionssearch/v2"), headers,
                                 payload)
            return 404, {"error": "Not found"}

    def _checkr(self, method, path, headers, payload) -> tuple[int, dict]:
        user = _basic_user(headers.get("Authorization", ""))
        if user not in self.checkr_keys:
            return 401, {"error": "Bad authentication error"}
        payload = payload or {}
        if method == "POST" and path == "/candidates":
            if not payload.get("email"):
                return 400, {"error": "Email is required"}
            candidate_id = _hex()
            self.candidates[candidate_id] = {
                "id": candidate_id, "object": "candidate", "uri": f"/v1/candidates/{candidate_id}",
                "created_at": _now(), "report_ids": [], "geo_ids": [],
                **{k: payload.get(k) for k in ("email", "first_name", "last_name", "custom_id")},
            }
            return 201, dict(self.candidates[candidate_id])
        if method == "POST" and path == "/invitations":
            if payload.get("candidate_id") not in self.candidates:
                return 404, {"error": "Candidate not found"}
            if not payload.get("package") or not payload.get("work_locations"):
                return 400, {"error": "package and work_locations are required"}
            invitation_id = _hex()
            self.invitations[invitation_id] = {
                "id": invitation_id, "object": "invitation", "status": "pending",
                "uri": f"/v1/invitations/{invitation_id}", "created_at": _now(),
                "invitation_url": f"https://apply.checkr.com/invite/{invitation_id}",
                "candidate_id": payload["candidate_id"], "package": payload["package"],
                "work_locations": payload["work_locations"], "report_id": None,
            }
            return 201, dict(self.invitations[invitation_id])
        found = re.fullmatch(r"/(candidates|reports)/(\w+)", path)
        if method == "GET" and found:
            table = self.candidates if found.group(1) == "candidates" else self.reports
            if found.group(2) in table:
                return 200, dict(table[found.group(2)])
        return 404, {"error": "Not found"}

    def _dbs(self, method, path, headers, payload) -> tuple[int, dict]:
        if self.dbs_users.get(headers.get("X-Api-User", "")) != headers.get("X-Api-Key"):
            return 401, {"ResponseStatus": {"ErrorCode": "Unauthorized",
                                            "Message": "Invalid API credentials"}}
        if method == "POST" and path == "/dbs":
            given = (payload or {}).get("Request") or {}
            required = ("Name", "DateOfBirth", "Email", "MobileInternational", "JobLocation",
                        "DisclosureLevel")
            missing = [name for name in required if not given.get(name)]
            if missing or not re.fullmatch(r"\d\d/\d\d/\d{4}", given.get("DateOfBirth", "")):
                return 400, {"ResponseStatus": {"ErrorCode": "ValidationException",
                                                "Message": f"Invalid: {missing or 'DateOfBirth'}"}}
            search_id = next(self.search_ids)
            self.searches[search_id] = {
                "Id": search_id, "DateSearched": _now(), "DateUpdated": _now(),
                "Status": "Waiting for Applicant", "DisclosureStatus": None,
                "IsApplicantInfoCompleted": False, "IsIdCheckCompleted": False,
                "IsApplicationCompleted": False, "IsApplicationSubmitted": False,
                "IsApplicationDisclosed": False, "DisclosureLevel": given["DisclosureLevel"],
                "Reference": given.get("Reference", ""),
                "ApplicantInformation": {k: given[k] for k in required[:5]},
            }
            return 200, {"Data": {"Summary": dict(self.searches[search_id]), "LinkedTo": []},
                         "ResponseStatus": {}}
        found = re.fullmatch(r"/dbs/(\d+)", path)
        if method == "GET" and found and int(found.group(1)) in self.searches:
            return 200, {"Data": {"Summary": dict(self.searches[int(found.group(1))]),
                                  "LinkedTo": []}, "ResponseStatus": {}}
        return 404, {"ResponseStatus": {"ErrorCode": "NotFound", "Message": "Not found"}}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = None
        status, answer = self.server.fake.answer(self.command, self.path.split("?")[0],
                                                 self.headers, payload)
        body = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _handle

    def log_message(self, format, *args) -> None:  # quiet test output
        pass


def _hex() -> str:
    return secrets.token_hex(12)


def _basic_user(header: str) -> str:
    if not header.startswith("Basic "):
        return ""
    try:
        return base64.b64decode(header[6:]).decode().split(":", 1)[0]
    except (ValueError, UnicodeDecodeError):
        return ""


@pytest.fixture(scope="session")
def _vetting_server():
    server = FakeProviders().start()
    yield server
    server.stop()


@pytest.fixture
def vetting_providers(_vetting_server, settings):
    """The fake providers, empty, with the settings pointing at them for this test."""
    _vetting_server.reset()
    settings.VETTING_CHECKR_API_URL = f"{_vetting_server.url}/checkr/v1"
    settings.VETTING_SANCTIONSSEARCH_API_URL = f"{_vetting_server.url}/sanctionssearch/v2"
    return _vetting_server
