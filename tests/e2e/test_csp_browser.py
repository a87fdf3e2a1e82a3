"""The Content Security Policy in a real browser: pages with scripts, the map (Leaflet) and
the two-factor QR code run with no violation reported in the console."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from core.testing.people import PASSWORD
# The journey tests' helpers: a volunteer and a located open request in alpha, cleaned up.
from test_workflow_browser import (CENTRE, Made, group_url, in_alpha_schema, log_in,
                                   make_open_request, make_volunteer, north_of)

pytestmark = [pytest.mark.browser, pytest.mark.committed]


def watch_for_violations(page) -> list[str]:
    """Chromium reports each blocked script, style, image or form in the console."""
    seen: list[str] = []
    page.on("console", lambda msg: seen.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


def test_no_csp_violations_on_the_map_and_two_factor_setup(page, live_server_url):
    made = Made()
    run = uuid.uuid4().hex[:8]
    violations = watch_for_violations(page)
    try:
        with in_alpha_schema():
            volunteer = make_volunteer(made, name=f"Cora Policy {run}", at=CENTRE)
            make_open_request(made, at=north_of(CENTRE, 1), description=f"Prescription {run}",
                              person_name=f"Pat Hidden {run}", person_phone="07700 900123")
            email = volunteer.user.email

        page.goto(live_server_url + "/")  # the signup page and its script
        expect(page.get_by_label("Group name")).to_be_visible()

        log_in(page, live_server_url, email)
        page.goto(group_url(live_server_url, "/volunteer/nearby/"))
        # Leaflet ran: it made the map (its panes and controls, styled by its stylesheet).
        expect(page.locator("#nearby-map.leaflet-container .leaflet-control-zoom")).to_be_visible()
        areas = page.locator("#nearby-map path.leaflet-interactive")
        if areas.count():  # an area drawn (the privacy rules may merge or hold it back)
            areas.first.click()
            expect(page.locator(".leaflet-popup")).to_be_visible()

        # Two-factor setup (optional for volunteers): password again, then the QR code.
        page.goto(group_url(live_server_url, "/accounts/2fa/totp/activate/"))
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
        qr = page.get_by_role("img", name="QR code for your authenticator app")
        expect(qr).to_be_visible()
        assert qr.evaluate("img => img.naturalWidth") > 0  # the data: image was allowed
        expect(page.get_by_label("Authenticator code")).to_be_visible()

        assert violations == []
    finally:
        made.clean_up()
