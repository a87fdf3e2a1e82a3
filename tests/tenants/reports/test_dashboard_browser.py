"""The dashboard in a real browser on a phone: it renders its charts (SVG), their tables and
the map of need (Leaflet) with no Content Security Policy violation, fits the screen, and its
period can be changed by keyboard."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from core.testing.people import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.committed]

CENTRE = (51.5072, -0.1276)  # alpha's map centre


def group_url(live_server_url: str, path: str) -> str:
    return f"http://alpha.localhost:{urlsplit(live_server_url).port}{path}"


@contextmanager
def in_alpha():
    from django.db import connection

    from core.tenancy.models import Group

    connection.set_tenant(Group.objects.get(schema_name="alpha"))
    try:
        yield
    finally:
        connection.set_schema_to_public()


def make_requests() -> list[int]:
    """A few located requests, some done by a volunteer (alpha's schema active)."""
    from core.accounts.models import User
    from core.geo.cells import cell_for
    from tenants.requests.models import RequestType
    from tenants.requests.services import advance, submit_request

    coordinator = User.objects.get(email="coordinator@alpha.example.org")
    volunteer = User.objects.get(email="volunteer@alpha.example.org")
    made = []
    for i, kind in enumerate(["shopping", "shopping", "prescription", "befriending"]):
        at = (CENTRE[0] + i * 0.02, CENTRE[1])
        request, _ = submit_request(fields={
            "type": RequestType.objects.get(code=kind), "description": f"Dashboard {i}",
            "person_name": f"Person {i}", "lat": at[0], "lng": at[1], "cell": cell_for(*at)},
            submission_key=uuid.uuid4(), channel="phone")
        made.append(request.pk)
        advance(request_id=request.pk, step="open", actor=coordinator)
        if i < 2:
            advance(request_id=request.pk, step="assign", actor=coordinator, volunteer=volunteer)
            advance(request_id=request.pk, step="complete", actor=volunteer)
    return made


def test_the_dashboard_on_a_phone(page, live_server_url):
    from tenants.requests.models import HelpRequest

    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    with in_alpha():
        made = make_requests()
    try:
        page.goto(group_url(live_server_url, "/accounts/login/"))
        page.get_by_label("Email").fill("coordinator@alpha.example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        page.get_by_role("link", name="Dashboard").click()

        expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
        charts = page.locator("svg.chart-svg[role=img]")
        expect(charts).to_have_count(6)
        for i in range(6):
            box = charts.nth(i).bounding_box()
            assert box and 0 < box["width"] <= 390 and box["height"] > 0
        expect(page.get_by_role("img", name="Requests each week, by what became of them"))\
            .to_be_visible()
        expect(page.get_by_role("table", name="Requests by kind of help")).to_be_visible()
        expect(page.get_by_role("table", name="Who carries the load")).to_contain_text(
            "Volunteer of alpha")
        assert page.locator("table caption").count() == 9
        # Leaflet drew the areas with open requests, shaded (two open: one or two cells).
        expect(page.locator("#need-map.leaflet-container")).to_be_visible()
        assert page.locator("#need-map path.leaflet-interactive").count() >= 1
        # Nothing wider than the phone but the scrolling tables' own boxes.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        # The period, by keyboard.
        page.get_by_label("Period", exact=True).select_option("4")
        page.get_by_role("button", name="Show").focus()
        page.keyboard.press("Enter")
        expect(page).to_have_url(group_url(live_server_url, "/reports/?weeks=4&days=7"))
        expect(page.locator("#chart-weeks .chart-svg g")).to_have_count(4)
        assert problems == []
    finally:
        with in_alpha():
            HelpRequest.objects.filter(pk__in=made).delete()
