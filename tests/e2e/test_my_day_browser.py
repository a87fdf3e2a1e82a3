"""A volunteer's day in a real browser, on a phone: the stops in route order with the total
distance, each with what they need at the door, and nothing wider than the screen.

This test commits: the volunteer, their account and the requests it makes in alpha's schema
are deleted in a `finally` block.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core.testing.browser import PHONE
from tests.e2e.test_workflow_browser import Made, group_url, in_alpha_schema, log_in

pytestmark = [pytest.mark.browser, pytest.mark.committed]

HOME = (51.5072, -0.1276)
STOPS = [(51.5160, -0.1200), (51.5030, -0.1150), (51.5100, -0.1330)]


def test_a_volunteer_sees_their_day_as_an_ordered_route_on_a_phone(page, live_server_url,
                                                                    tmp_path: Path):
    from core.accounts.models import User
    from core.geo.cells import cell_for
    from core.geo.routes import best_order, distance_matrix, path_length
    from core.testing.people import PASSWORD
    from tenants.requests.models import HelpRequest, RequestType
    from tenants.requests.planning import group_today
    from tenants.requests.services import advance, plan_day, submit_request
    from tenants.volunteers.services import Registration, move_volunteer, register_volunteer

    made = Made()
    run = uuid.uuid4().hex[:8]
    try:
        with in_alpha_schema():
            day = group_today() + timedelta(days=1)
            email = f"dayna-{run}@alpha.example.org"
            profile = register_volunteer(registration=Registration(
                name="Dayna Walker", email=email, password=PASSWORD,
                request_type_codes=["shopping"], radius_km=5,
                location=(*HOME, cell_for(*HOME))))
            made.user_ids.append(profile.user_id)
            coordinator = User.objects.get(email="coordinator@alpha.example.org")
            move_volunteer(profile_id=profile.pk, move="approve", actor=coordinator)
            ids = []
            for n, (lat, lng) in enumerate(STOPS, start=1):
                request, _ = submit_request(
                    fields={"type": RequestType.objects.get(code="shopping"),
                            "description": f"Bread and milk ({run})",
                            "person_name": f"Neighbour {n}", "person_phone": "07700 900111",
                            "address": f"{n} Route Road", "postcode": "SW1A 1AA",
                            "keysafe_code": f"{n}{n}{n}{n}",
                            "lat": lat, "lng": lng, "cell": cell_for(lat, lng)},
                    submission_key=uuid.uuid4(), channel=HelpRequest.Channel.PHONE)
                made.request_ids.append(request.pk)
                advance(request_id=request.pk, step="open", actor=coordinator)
                advance(request_id=request.pk, step="assign", actor=coordinator,
                        volunteer=profile.user)
                plan_day(request_id=request.pk, day=day, actor=coordinator)
                ids.append(request.pk)
        dist = distance_matrix([HOME, *STOPS])
        route = best_order(dist)
        expected = [f"{node} Route Road" for node in route[1:]]

        log_in(page, live_server_url, email)
        page.goto(group_url(live_server_url, "/volunteer/tasks/"))
        page.get_by_role("link", name="My day").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("My day")
        page.get_by_role("link", name="Next day").click()
        stops = page.locator("ol.route > li")
        expect(stops).to_have_count(3)
        for n, address in enumerate(expected):
            expect(stops.nth(n)).to_contain_text(address)
        first = route[1]
        expect(stops.nth(0)).to_contain_text(f"{first}{first}{first}{first}")  # key-safe code
        total = f"{round(path_length(dist, route), 1)} km"
        expect(page.locator(".route-total")).to_contain_text(total)
        # Phone-sized: nothing wider than the screen.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"]
        page.screenshot(path=str(tmp_path / "my_day.png"), full_page=True)

        # The date box, by keyboard: another day with nothing planned says so.
        page.get_by_label("Another day").fill((day + timedelta(days=3)).isoformat())
        page.get_by_label("Another day").press("Enter")
        expect(page.get_by_text("Nothing planned for this day.")).to_be_visible()
        expect(page.locator("ol.route > li")).to_have_count(0)
    finally:
        made.clean_up()
