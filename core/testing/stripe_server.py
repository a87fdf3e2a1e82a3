"""A local stand-in for Stripe's API, for tests: a threaded http.server answering the
endpoints billing calls as Stripe does (form-encoded bodies, Bearer keys, idempotency keys,
Stripe-shaped JSON and errors), and Stripe's back office: completing a checkout, a renewal
that fails or is paid, a cancellation; and webhooks signed as Stripe signs them
(`t=<unix time>,v1=<HMAC-SHA256 of "t.body" with the endpoint's secret>`).

The fixture `stripe_server` points the settings (STRIPE_API_BASE, keys, prices) at it for one
test; the real `stripe` library talks to it over HTTP.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest

SECRET_KEY = "sk_test_mutualaid_0123456789"
WEBHOOK_SECRET = "whsec_test_mutualaid_0123456789"
PRICES = {"community": "price_community_test", "network": "price_network_test"}
MONTH = 30 * 24 * 3600


def _id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(10)}"


def parse_form(body: str) -> dict:
    """Stripe's form encoding (`a[b][0][c]=v`) back into nested dicts and lists."""
    root: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part, following in zip(parts, parts[1:]):
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node):
    if isinstance(node, dict):
        node = {k: _lists(v) for k, v in node.items()}
        if node and all(k.isdigit() for k in node):
            return [node[k] for k in sorted(node, key=int)]
    return node


class FakeStripe:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.fake = self
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.reset()

    def start(self) -> FakeStripe:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def reset(self) -> None:
        with self.lock:
            self.received: list[dict] = []  # method, path, params, version, idempotency key
            self.customers: dict[str, dict] = {}
            self.sessions: dict[str, dict] = {}
            self.portal_sessions: dict[str, dict] = {}
            self.subscriptions: dict[str, dict] = {}
            self.idempotent: dict[str, tuple[int, dict]] = {}
            self.clock = int(time.time())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def calls(self, method: str, path_prefix: str) -> list[dict]:
        return [r for r in self.received
                if r["method"] == method and r["path"].startswith(path_prefix)]

    # --- the back office: what happens at Stripe between our calls ----------------------
    def complete_checkout(self, session_id: str, *, status: str = "active") -> dict:
        """The admin paid on the Checkout page: a subscription exists; returns the session."""
        with self.lock:
            session = self.sessions[session_id]
            price = session["line_items"][0]["price"]
            sub = self._new_subscription(session["customer"], price, status,
                                         session.get("subscription_data", {}).get("metadata", {}))
            session.update(status="complete", payment_status="paid", subscription=sub["id"])
            return {k: v for k, v in session.items()
                    if k not in ("line_items", "subscription_data")}

    def set_subscription(self, subscription_id: str, **changes) -> dict:
        """Change a subscription (status, cancel_at_period_end...); returns it."""
        with self.lock:
            sub = self.subscriptions[subscription_id]
            if changes.get("status") == "canceled":
                sub.update(canceled_at=self.clock, ended_at=self.clock)
            sub.update(changes)
            return json.loads(json.dumps(sub))

    def subscription(self, subscription_id: str) -> dict:
        with self.lock:
            return json.loads(json.dumps(self.subscriptions[subscription_id]))

    def invoice(self, subscription_id: str, *, paid: bool) -> dict:
        """The renewal invoice of a subscription, paid or not (its status follows)."""
        sub = self.set_subscription(subscription_id, status="active" if paid else "past_due")
        return {
            "id": _id("in"), "object": "invoice", "customer": sub["customer"],
            "status": "paid" if paid else "open", "amount_due": 1500, "currency": "gbp",
            "billing_reason": "subscription_cycle", "attempt_count": 1,
            "parent": {"type": "subscription_details",
                       "subscription_details": {"subscription": subscription_id,
                                                "metadata": sub["metadata"]}},
        }

    def delete_customer(self, customer_id: str) -> dict:
        with self.lock:
            customer = self.customers.pop(customer_id)
            for sub in self.subscriptions.values():
                if sub["customer"] == customer_id and sub["status"] != "canceled":
                    sub.update(status="canceled", canceled_at=self.clock, ended_at=self.clock)
            return {"id": customer_id, "object": "customer", "deleted": True,
                    "metadata": customer["metadata"]}

    def event(self, event_type: str, obj: dict, *, event_id: str | None = None,
              secret: str = WEBHOOK_SECRET, timestamp: int | None = None
              ) -> tuple[dict, bytes]:
        """A webhook delivery as Stripe makes it: (headers, body)."""
        versions = [r["version"] for r in self.received if r["version"]]
        body = json.dumps({
            "id": event_id or _id("evt"), "object": "event",
            "api_version": versions[-1] if versions else None,  # the endpoint's pinned one
            "created": int(time.time()), "livemode": False, "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None}, "type": event_type,
            "data": {"object": obj},
        }).encode()
        return {"Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": sign(body, secret, timestamp)}, body

    def _new_subscription(self, customer: str, price: str, status: str, metadata: dict) -> dict:
        sub_id = _id("sub")
        self.subscriptions[sub_id] = {
            "id": sub_id, "object": "subscription", "customer": customer, "status": status,
            "cancel_at_period_end": False, "canceled_at": None, "ended_at": None,
            "created": self.clock, "start_date": self.clock, "metadata": dict(metadata),
            "trial_end": self.clock + 14 * 86400 if status == "trialing" else None,
            "items": {"object": "list", "has_more": False, "data": [{
                "id": _id("si"), "object": "subscription_item", "quantity": 1,
                "price": {"id": price, "object": "price", "recurring": {"interval": "month"}},
                "current_period_start": self.clock, "current_period_end": self.clock + MONTH,
            }]},
        }
        return self.subscriptions[sub_id]

    # --- the API ---------------------------------------------------------------------------
    def answer(self, method: str, path: str, headers, params: dict) -> tuple[int, dict]:
        with self.lock:
            key = headers.get("Idempotency-Key")
            self.received.append({"method": method, "path": path, "params": params,
                                  "version": headers.get("Stripe-Version"),
                                  "idempotency_key": key})
            if headers.get("Authorization") != f"Bearer {SECRET_KEY}":
                return 401, _error("Invalid API Key provided.", "invalid_request_error")
            if method == "POST" and key and (method, path, key) in self.idempotent:
                return self.idempotent[(method, path, key)]
            status, body = self._route(method, path, params)
            if method == "POST" and key and status < 500:
                self.idempotent[(method, path, key)] = (status, body)
            return status, body

    def _route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        if method == "POST" and path == "/v1/customers":
            customer_id = _id("cus")
            self.customers[customer_id] = {
                "id": customer_id, "object": "customer", "created": self.clock,
                "name": params.get("name"), "email": params.get("email"),
                "metadata": params.get("metadata") or {}, "livemode": False,
            }
            return 200, dict(self.customers[customer_id])
        found = re.fullmatch(r"/v1/customers/(\w+)", path)
        if method == "GET" and found:
            customer = self.customers.get(found.group(1))
            return (200, dict(customer)) if customer else _missing("customer", found.group(1))
        if method == "POST" and path == "/v1/checkout/sessions":
            return self._checkout(params)
        if method == "POST" and path == "/v1/billing_portal/sessions":
            if params.get("customer") not in self.customers:
                return _missing("customer", params.get("customer", ""))
            session_id = _id("bps")
            self.portal_sessions[session_id] = {
                "id": session_id, "object": "billing_portal.session",
                "customer": params["customer"], "return_url": params.get("return_url"),
                "url": f"{self.url}/p/session/{session_id}", "livemode": False,
            }
            return 200, dict(self.portal_sessions[session_id])
        found = re.fullmatch(r"/v1/subscriptions/(\w+)", path)
        if method == "GET" and found:
            sub = self.subscriptions.get(found.group(1))
            return (200, json.loads(json.dumps(sub))) if sub else \
                _missing("subscription", found.group(1))
        return 404, _error(f"Unrecognized request URL ({method}: {path}).",
                           "invalid_request_error")

    def _checkout(self, params: dict) -> tuple[int, dict]:
        if params.get("mode") != "subscription":
            return 400, _error("This test server only knows subscription mode.",
                               "invalid_request_error", param="mode")
        if params.get("customer") not in self.customers:
            return _missing("customer", params.get("customer", ""))
        items = params.get("line_items") or []
        if not items or items[0].get("price") not in PRICES.values():
            return 400, _error("No such price.", "invalid_request_error",
                               param="line_items[0][price]")
        for required in ("success_url", "cancel_url"):
            if not params.get(required):
                return 400, _error(f"Missing required param: {required}.",
                                   "invalid_request_error", param=required)
        session_id = _id("cs_test")
        self.sessions[session_id] = {
            "id": session_id, "object": "checkout.session", "mode": "subscription",
            "status": "open", "payment_status": "unpaid", "customer": params["customer"],
            "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata") or {}, "subscription": None,
            "success_url": params["success_url"], "cancel_url": params["cancel_url"],
            "url": f"{self.url}/c/pay/{session_id}", "livemode": False,
            "line_items": items, "subscription_data": params.get("subscription_data") or {},
        }
        public = {k: v for k, v in self.sessions[session_id].items()
                  if k not in ("line_items", "subscription_data")}
        return 200, public


def sign(body: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def _error(message: str, kind: str, **extra) -> dict:
    return {"error": {"message": message, "type": kind, **extra}}


def _missing(what: str, ident: str) -> tuple[int, dict]:
    return 404, _error(f"No such {what}: '{ident}'", "invalid_request_error",
                       code="resource_missing")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        path, _sep, query = self.path.partition("?")
        params = parse_form(raw if self.command == "POST" else query)
        status, answer = self.server.fake.answer(self.command, path, self.headers, params)
        body = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Request-Id", f"req_{secrets.token_hex(7)}")
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = _handle

    def log_message(self, format, *args) -> None:  # quiet test output
        pass


@pytest.fixture(scope="session")
def _stripe_server():
    server = FakeStripe().start()
    yield server
    server.stop()


@pytest.fixture
def stripe_server(_stripe_server, settings):
    """The Stripe stand-in, empty, with billing's settings pointing at it for this test."""
    _stripe_server.reset()
    settings.STRIPE_API_BASE = _stripe_server.url
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_PRICE_COMMUNITY = PRICES["community"]
    settings.STRIPE_PRICE_NETWORK = PRICES["network"]
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    settings.STRIPE_TIMEOUT = 10
    return _stripe_server
