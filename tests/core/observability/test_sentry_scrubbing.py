"""Sentry events leave the process tagged with the group and the release, and without the
personal data the failing code had at hand (a local transport records what would be sent)."""

import io
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

import pytest
import sentry_sdk
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from sentry_sdk.transport import Transport

from core.observability.sentry import init_sentry
from core.tenancy.models import Group
from core.tenancy.tasks import group_task

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[3]
DSN = "https://publickey@sentry.invalid/1"

ADDRESS = "12 Acacia Avenue, London E1 6AN"
NAME = "Ada Okafor"
PHONE = "07700 900123"
EMAIL = "ada.okafor@example.org"
KEYSAFE = "C4827"
SECRETS = [ADDRESS, "12 Acacia Avenue", "Acacia", "E1 6AN", NAME, "Okafor", PHONE, "07700",
           EMAIL, "ada.okafor", KEYSAFE, "Bearer-token-9f8e", "session-cookie-7d6c",
           "203.0.113.9", "198.51.100.7"]


class RecordingTransport(Transport):
    """Keeps the envelopes the client would have sent; nothing goes on the network."""

    def __init__(self, options=None):
        super().__init__(options)
        self.envelopes = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)

    def events(self):
        return [e.get_event() for e in self.envelopes if e.get_event() is not None]

    def sent_bytes(self) -> bytes:
        return b"".join(e.serialize() for e in self.envelopes)


def geocode(address: str, who: str) -> None:
    """A service that fails with the person's details at hand (locals and message)."""
    keysafe_code = KEYSAFE  # noqa: F841 (a local Sentry would record)
    raise ValueError(f"cannot place {address} for {who}")


@csrf_exempt  # the real WSGI handler checks CSRF; this view stands for one past that check
def help_request_view(request):
    address = request.POST["address"]
    who = request.POST["person_name"]  # a name under a name the key scrubbing can't know
    contact = {"phone": request.POST["person_phone"], "email": request.POST["person_email"]}
    geocode(address, who)
    return contact


urlpatterns = [path("boom/", help_request_view), path("", include("mutualaid.urls_group"))]


@group_task(name="tests.observability.report")
def report() -> None:
    sentry_sdk.capture_message("a group task reports")


@pytest.fixture
def transport(settings):
    transport = RecordingTransport({"dsn": DSN})
    init_sentry(dsn=DSN, environment="test", release="test-release", transport=transport)
    settings.ROOT_URLCONF = __name__  # the group host's URLs, plus the failing view
    yield transport
    sentry_sdk.init(dsn=None)  # no client: nothing is recorded by later tests


def post_help_request() -> str:
    """POST through Django's WSGI application, as gunicorn would: Sentry's WSGI wrapper is what
    adds the URL and headers to an event, and the test client goes around it."""
    body = urlencode({"address": ADDRESS, "person_name": NAME, "person_phone": PHONE,
                      "person_email": EMAIL, "type": "shopping"}).encode()
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/boom/", "QUERY_STRING": f"phone={PHONE}",
        "HTTP_HOST": "alpha.localhost", "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
        "HTTP_AUTHORIZATION": "Bearer Bearer-token-9f8e",
        "HTTP_COOKIE": "sessionid=session-cookie-7d6c", "HTTP_X_FORWARDED_FOR": "203.0.113.9",
        "REMOTE_ADDR": "198.51.100.7",
    }
    setup_testing_defaults(environ)
    statuses = []
    # As Django's test client does: these would close the test's transaction's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = get_wsgi_application()(environ, lambda s, h, e=None: statuses.append(s))
        b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return statuses[0]


def test_an_error_reaches_sentry_without_the_persons_details(transport, alpha):
    assert post_help_request().startswith("500")

    events = [e for e in transport.events() if e.get("exception")]
    assert events, "the error was not reported"
    sent = transport.sent_bytes()
    leaked = [s for s in SECRETS if s.encode() in sent]
    assert leaked == [], f"personal data reached the transport: {leaked}"

    event = events[0]
    (error,) = [v for v in event["exception"]["values"] if v["type"] == "ValueError"]
    assert error["value"] == "cannot place [Filtered] for [Filtered]"  # still says what failed
    frames = {f["function"]: f for f in error["stacktrace"]["frames"]}
    assert frames["geocode"]["vars"]["address"] == "[Filtered]"
    assert frames["geocode"]["vars"]["keysafe_code"] == "[Filtered]"
    assert frames["geocode"]["vars"]["who"] == "'[Filtered]'"  # learnt from the request body
    assert "data" not in event["request"] and "cookies" not in event["request"]
    assert not {"Authorization", "Cookie"} & set(event["request"]["headers"])
    assert event["request"]["url"] == "http://alpha.localhost/boom/"
    assert event["request"]["headers"]["Host"] == "alpha.localhost"
    assert event["request"]["query_string"] == "phone=[Filtered]"


def test_events_carry_the_group_and_the_release(transport, alpha):
    post_help_request()
    event = next(e for e in transport.events() if e.get("exception"))
    assert event["tags"]["group"] == "alpha"
    assert event["release"] == "test-release"
    assert event["environment"] == "test"


def test_a_group_tasks_events_carry_its_group(transport, alpha):
    report.apply_async(group=Group.objects.get(schema_name="alpha"))
    (event,) = [e for e in transport.events() if e.get("message") == "a group task reports"]
    assert event["tags"]["group"] == "alpha"


def test_without_a_release_the_git_sha_is_used(monkeypatch):
    monkeypatch.delenv("SENTRY_RELEASE", raising=False)
    transport = RecordingTransport({"dsn": DSN})
    init_sentry(dsn=DSN, environment="test", release="", transport=transport)
    try:
        sentry_sdk.capture_message("which release?")
    finally:
        sentry_sdk.init(dsn=None)
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True,
                         text=True).stdout.strip()
    (event,) = transport.events()
    assert event["release"] == sha and len(sha) == 40


def test_settings_turn_sentry_on_with_a_dsn_only():
    code = ("import django, json, sentry_sdk; django.setup(); c = sentry_sdk.get_client(); "
            "print(json.dumps([c.is_active(), c.options['release'], "
            "c.options['send_default_pii'], c.options['traces_sample_rate'], "
            "c.options['environment']]))")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{REPO}:{REPO / 'platform'}",
           "DJANGO_SETTINGS_MODULE": "mutualaid.settings", "MUTUALAID_TESTING": "1",
           "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}  # never connected to
    on = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                        env={**env, "SENTRY_DSN": DSN, "RELEASE": "v1.2.3",
                             "SENTRY_ENVIRONMENT": "staging"})
    assert on.returncode == 0, on.stderr
    assert json.loads(on.stdout) == [True, "v1.2.3", False, 0.0, "staging"]
    off = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                         text=True, env=env)
    assert off.returncode == 0, off.stderr
    assert json.loads(off.stdout)[0] is False
