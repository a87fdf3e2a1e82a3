"""A new admin stays signed in after the hand-off: the signup answers only once the admin's
password hash is stored, since a login made before would be undone by it (the session's
auth hash is derived from the stored password). Found by the load test, on a busy machine."""

import threading
from urllib.parse import urlsplit

import pytest
from django.db import connection

from core.accounts.models import User
from core.tenancy import provisioning
from core.tenancy.models import Group
from core.testing.people import PASSWORD, signup_data

pytestmark = pytest.mark.committed


@pytest.fixture
def slow_store(monkeypatch):
    """Storing the admin's hash waits half a second behind other work, as on a busy machine
    (the load test's): the signup's rows are committed well before the hash is stored."""
    store = provisioning._after_commit_store_password
    busy = threading.Event()

    def behind_other_work(p):
        provisioning._storing.submit(busy.wait, 10)  # the one storing thread, busy
        store(p)
        threading.Timer(0.5, busy.set).start()

    monkeypatch.setattr(provisioning, "_after_commit_store_password", behind_other_work)
    yield
    busy.set()


def test_the_password_is_stored_when_the_signup_answers(client, slow_store):
    response = client.post("/", signup_data("stored-hash"), HTTP_HOST="localhost")
    assert response.status_code == 303
    connection.set_tenant(Group.objects.get(schema_name="stored-hash"))
    try:
        admin = User.objects.get(email="admin@stored-hash.example.org")
        assert admin.check_password(PASSWORD)
    finally:
        connection.set_schema_to_public()

    url = urlsplit(response["Location"])
    host = {"HTTP_HOST": url.hostname}
    assert client.get(url.path, **host)["Location"] == "/setup/"
    assert client.get("/setup/", **host).status_code == 200
    assert client.get("/setup/", **host).status_code == 200  # still signed in
