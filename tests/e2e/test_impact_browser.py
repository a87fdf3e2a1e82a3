"""The public impact page in a real, phone-sized browser: the map draws its areas with no
Content Security Policy violation and nothing wider than the screen; another site can frame
the summary, and not the page itself."""

from __future__ import annotations

import re
import threading
import uuid
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from test_workflow_browser import CENTRE, group_url, in_alpha_schema

pytestmark = [pytest.mark.browser, pytest.mark.committed]


@pytest.fixture
def published_alpha(alpha):
    """Six requests done in one place, and the impact page published; undone afterwards."""
    from core.tenancy.models import Group
    from tenants.requests.models import HelpRequest, RequestType
    from tenants.requests.services import advance, submit_request

    made = []
    with in_alpha_schema():
        for _ in range(6):
            request, _ = submit_request(
                fields={"type": RequestType.objects.get(code="shopping"),
                        "description": "Shopping", "person_name": "Nell Hidden",
                        "person_phone": "07700 900999", "lat": CENTRE[0], "lng": CENTRE[1]},
                submission_key=uuid.uuid4(), channel="phone")
            for step in ("open", "assign", "complete"):
                advance(request_id=request.pk, step=step, actor=None)
            made.append(request.pk)
    Group.objects.filter(schema_name="alpha").update(public_impact_page=True)
    try:
        yield alpha
    finally:
        Group.objects.filter(schema_name="alpha").update(public_impact_page=False)
        with in_alpha_schema():
            HelpRequest.objects.filter(pk__in=made).delete()


def test_the_map_draws_its_areas_on_a_phone(page, live_server_url, published_alpha):
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(group_url(live_server_url, "/impact/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alpha Mutual Aid")
    expect(page.get_by_label("Period", exact=True)).to_be_visible()
    expect(page.locator("#impact-map.leaflet-container .leaflet-control-zoom")).to_be_visible()
    expect(page.locator("#impact-map path.leaflet-interactive")).to_have_count(1)
    expect(page.locator(".impact-area-label")).to_have_text("A")
    expect(page.get_by_role("table", name="Requests by area on the map")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert "Nell Hidden" not in page.content()
    # The period by keyboard: choose, Tab to the button, Enter.
    page.get_by_label("Period", exact=True).select_option("52")
    page.get_by_label("Period", exact=True).focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Show")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"weeks=52"))
    assert problems == []


@contextmanager
def another_site(html: str):
    """A page of another website (another origin): a tiny HTTP server on loopback."""
    body = html.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def test_another_site_frames_the_summary_but_not_the_page(page, live_server_url,
                                                          published_alpha):
    summary_url = group_url(live_server_url, "/impact/embed/")
    page_url = group_url(live_server_url, "/impact/")
    with another_site(f'<!DOCTYPE html><title>Funder</title>'
                      f'<iframe id="summary" title="summary" src="{summary_url}"></iframe>'
                      f'<iframe id="page" title="page" src="{page_url}"></iframe>') as funder:
        page.goto(funder)
        summary = page.frame_locator("#summary")
        expect(summary.get_by_role("heading", name="Alpha Mutual Aid")).to_be_visible()
        expect(summary.get_by_text("Requests for help")).to_be_visible()
        link = summary.get_by_role("link", name=re.compile("More about what we do"))
        expect(link).to_have_attribute("target", "_blank")
        # The page itself refuses to be framed: nothing of it is drawn in the frame.
        page.wait_for_load_state("load")
        expect(page.frame_locator("#page").get_by_role("heading", level=1)).to_have_count(0)
        blocked = page.locator("#page").element_handle().content_frame()
        assert blocked.url.startswith("chrome-error://"), blocked.url  # refused, not loaded
