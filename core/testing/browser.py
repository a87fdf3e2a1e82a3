"""Browser fixtures: a live Django server and Debian's chromium driven through Playwright.

- `live_server_url`: Django's LiveServerThread on 127.0.0.1 and a free port, serving
  committed rows (it depends on `committed`), addressed as http://localhost:<port> so that
  groups are reachable at http://<slug>.localhost:<port> (chromium resolves *.localhost to
  loopback itself).
- `browser`: one headless chromium for the session, never downloaded: /usr/bin/chromium
  (`apt-get install chromium`). Missing, the browser tests skip, or fail in CI.
- `page`: a fresh, phone-sized browser context per test.

Loaded through `core.testing.plugin`, which re-exports these fixtures.
"""

from __future__ import annotations

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def live_server_url(committed):
    """Run the site in a thread for this test; yields http://localhost:<port>.

    Follows LiveServerTestCase._start_server_thread/_terminate_thread. Connections are only
    shared with the thread for in-memory SQLite; on PostgreSQL the server's request threads
    open their own connections and see what the test committed.
    """
    from django.db import connections
    from django.test.testcases import LiveServerThread, _StaticFilesHandler

    connections_override = {
        conn.alias: conn
        for conn in connections.all()
        if conn.vendor == "sqlite" and conn.is_in_memory_db()
    }
    for conn in connections_override.values():
        conn.inc_thread_sharing()
    thread = LiveServerThread(
        "127.0.0.1", _StaticFilesHandler, connections_override=connections_override, port=0
    )
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        for conn in connections_override.values():
            conn.dec_thread_sharing()
        raise thread.error
    try:
        yield f"http://localhost:{thread.port}"
    finally:
        thread.terminate()
        for conn in connections_override.values():
            conn.dec_thread_sharing()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium for the whole session."""
    if not os.path.exists(CHROMIUM):
        reason = f"CI needs Debian's chromium at {CHROMIUM}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio event loop running in the main thread, so
    # Django's async-safety guard would raise SynchronousOnlyOperation for every ORM call
    # the test (and its fixtures' teardown) makes. The ORM is still only used
    # synchronously from this thread, so the guard is switched off for the session.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    """A new page in its own phone-sized, English browser context."""
    context = browser.new_context(viewport=PHONE, locale="en-US")
    try:
        yield context.new_page()
    finally:
        context.close()
