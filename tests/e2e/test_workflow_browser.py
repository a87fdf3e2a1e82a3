"""A request's journey in a real browser, on a phone: a person asks through the public form
(once, however often the button is pressed), a volunteer claims a nearby request and marks it
done, and a coordinator auto-assigns the whole queue from a preview.

These tests commit: every row they make in alpha's schema (requests, volunteer profiles and
the accounts behind them) is deleted in a `finally` block.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from django.core.signals import request_finished, request_started
from playwright.sync_api import expect

from core.testing.people import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.committed]

# Alpha's map centre (core.testing.people.signup_data): the tests' neighbourhood.
CENTRE = (51.5072, -0.1276)
KM_PER_DEGREE_LAT = 111.2


def north_of(point: tuple[float, float], km: float) -> tuple[float, float]:
    return point[0] + km / KM_PER_DEGREE_LAT, point[1]


def group_url(live_server_url: str, path: str, slug: str = "alpha") -> str:
    return f"http://{slug}.localhost:{urlsplit(live_server_url).port}{path}"


@contextmanager
def in_alpha_schema():
    """This thread's connection in alpha's schema (the live server's threads have their own)."""
    from django.db import connection

    from core.tenancy.models import Group

    connection.set_tenant(Group.objects.get(schema_name="alpha"))
    try:
        yield
    finally:
        connection.set_schema_to_public()


class Made:
    """What a test made in alpha's schema, deleted (in alpha's schema) by `clean_up`."""

    def __init__(self) -> None:
        self.request_ids: list[int] = []
        self.user_ids: list[int] = []

    def clean_up(self) -> None:
        from core.accounts.models import User
        from tenants.requests.models import HelpRequest
        from tenants.volunteers.models import VolunteerProfile

        with in_alpha_schema():
            HelpRequest.objects.filter(pk__in=self.request_ids).delete()  # and their events
            VolunteerProfile.objects.filter(user_id__in=self.user_ids).delete()
            User.objects.filter(pk__in=self.user_ids).delete()  # and their email addresses


def make_volunteer(made: Made, *, name: str, at: tuple[float, float], radius_km: float = 5):
    """An approved volunteer doing shopping within `radius_km` of `at` (alpha's schema active)."""
    from core.accounts.models import User
    from core.geo.cells import cell_for
    from tenants.volunteers.services import Registration, move_volunteer, register_volunteer

    email = f"{name.split()[0].lower()}-{uuid.uuid4().hex[:8]}@alpha.example.org"
    profile = register_volunteer(registration=Registration(
        name=name, email=email, password=PASSWORD, request_type_codes=["shopping"],
        radius_km=radius_km, location=(at[0], at[1], cell_for(*at)),
    ))
    made.user_ids.append(profile.user_id)
    coordinator = User.objects.get(email="coordinator@alpha.example.org")
    return move_volunteer(profile_id=profile.pk, move="approve", actor=coordinator)


def make_open_request(made: Made, *, at: tuple[float, float], description: str,
                      person_name: str, person_phone: str):
    """A located shopping request, opened by the coordinator (alpha's schema active)."""
    from core.accounts.models import User
    from core.geo.cells import cell_for
    from tenants.requests.models import HelpRequest, RequestType
    from tenants.requests.services import advance, submit_request

    request, created = submit_request(
        fields={
            "type": RequestType.objects.get(code="shopping"), "description": description,
            "person_name": person_name, "person_phone": person_phone,
            "postcode": "SW1A 1AA", "lat": at[0], "lng": at[1], "cell": cell_for(*at),
        },
        submission_key=uuid.uuid4(), channel=HelpRequest.Channel.PHONE,
    )
    assert created
    made.request_ids.append(request.pk)
    coordinator = User.objects.get(email="coordinator@alpha.example.org")
    return advance(request_id=request.pk, step="open", actor=coordinator)


def log_in(page, live_server_url: str, email: str) -> None:
    """Through allauth's login page on alpha's host, as a person would."""
    page.goto(group_url(live_server_url, "/accounts/login/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)  # allauth's label reads "Password:"
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


# ----------------------------------------------------------------------------------- asking

class ServerLog:
    """What reached the live server, seen from its own threads (Django's request signals):
    the POSTs it was sent, and whether it is still working on any request. `slow_first_post`
    holds the next POST back for a moment at the server, as a slow connection would."""

    def __init__(self) -> None:
        self.posts: list[str] = []
        self.started = self.finished = 0
        self.slow_first_post = 0.0
        self._lock = threading.Condition()

    def _started(self, sender, environ=None, **kwargs) -> None:
        with self._lock:
            self.started += 1
            delay = 0.0
            if environ is not None and environ.get("REQUEST_METHOD") == "POST":
                self.posts.append(environ.get("PATH_INFO", ""))
                delay, self.slow_first_post = self.slow_first_post, 0.0
        time.sleep(delay)

    def _finished(self, sender, **kwargs) -> None:
        with self._lock:
            self.finished += 1
            self._lock.notify_all()

    def __enter__(self) -> ServerLog:
        request_started.connect(self._started, weak=False)
        request_finished.connect(self._finished, weak=False)
        return self

    def __exit__(self, *exc) -> None:
        request_started.disconnect(self._started)
        request_finished.disconnect(self._finished)

    def wait_until_idle(self, timeout: float = 5) -> None:
        with self._lock:
            idle = self._lock.wait_for(lambda: self.started == self.finished, timeout)
        assert idle, "the live server is still busy"


def fill_ask_form(page, description: str) -> None:
    form = page.locator("#ask-form")
    form.get_by_role("radio", name="Shopping").check()
    form.get_by_label("Tell us a little more").fill(description)
    form.get_by_label("Name of the person who needs help").fill("Rosa Askwell")
    form.get_by_label("Phone", exact=True).fill("07700 900123")


def request_number_on_thanks_page(page, live_server_url: str) -> int:
    # Polled, not page.wait_for_url: that one fails on the navigation a second press aborts.
    expect(page).to_have_url(group_url(live_server_url, "/ask/thanks/"))
    expect(page.get_by_role("heading", name="Thank you, we have your request")).to_be_visible()
    number = page.get_by_text(re.compile(r"Your request number is \d+"))
    expect(number).to_be_visible()
    return int(re.search(r"number is (\d+)", number.inner_text()).group(1))


def requests_described(description: str) -> list[tuple[int, str, str]]:
    from tenants.requests.models import HelpRequest

    with in_alpha_schema():
        return [(r.pk, r.status, str(r.submission_key))
                for r in HelpRequest.objects.filter(description=description)]


def test_a_person_asks_for_help_on_a_phone_once_however_often_they_press(
        page, live_server_url):
    from tenants.requests.models import HelpRequest

    ask_url = group_url(live_server_url, "/ask/")
    run = uuid.uuid4().hex[:8]
    once = f"Bread, milk and tea, please ({run}, one press)."
    double = f"Soup and oranges, please ({run}, double click)."
    slow = f"Stamps and envelopes, please ({run}, pressed again while waiting)."
    send = page.get_by_role("button", name="Send my request")
    try:
        with ServerLog() as server:
            # One press of the button.
            page.goto(ask_url)
            expect(page.get_by_role("heading", name="Ask for help")).to_be_visible()
            fill_ask_form(page, once)
            send.click()
            first_number = request_number_on_thanks_page(page, live_server_url)
            assert [(pk, status) for pk, status, _key in requests_described(once)] == [
                (first_number, "new")]

            # A double click on the button. (Chromium itself folds an instant double click
            # into one form submission; the hidden key is for the cases where it does not.)
            page.goto(ask_url)
            fill_ask_form(page, double)
            key = page.locator("#ask-form input[name=submission_key]").input_value()
            server.posts.clear()
            send.dblclick()
            number = request_number_on_thanks_page(page, live_server_url)
            server.wait_until_idle()
            assert requests_described(double) == [(number, "new", key)]
            assert number != first_number
            print(f"\ndouble click: {len(server.posts)} POST(s) reached the server")

            # Pressed twice with the first press already at a slow server: two POSTs of the
            # same form (the same hidden submission_key) arrive, and one request is made.
            page.goto(ask_url)
            fill_ask_form(page, slow)
            key = page.locator("#ask-form input[name=submission_key]").input_value()
            send.scroll_into_view_if_needed()
            box = send.bounding_box()  # where the second press lands, the page unmoved
            server.posts.clear()
            server.slow_first_post = 0.5
            send.click(no_wait_after=True)
            deadline = time.monotonic() + 5
            while not server.posts:
                assert time.monotonic() < deadline, "the first press never reached the server"
                page.wait_for_timeout(10)
            # The page is still waiting for its answer: press again (a mouse click, since a
            # locator click would wait for the pending navigation to finish).
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            number = request_number_on_thanks_page(page, live_server_url)
            server.wait_until_idle()
            assert server.posts == ["/ask/", "/ask/"]
            assert requests_described(slow) == [(number, "new", key)]
    finally:
        with in_alpha_schema():
            HelpRequest.objects.filter(description__in=[once, double, slow]).delete()


# ------------------------------------------------------------------------------- volunteering

def test_a_volunteer_claims_a_nearby_request_and_marks_it_done(page, live_server_url):
    from tenants.requests.models import HelpRequest

    made = Made()
    run = uuid.uuid4().hex[:8]
    person, phone = f"Winifred Nearby {run}", "07700 900456"
    try:
        with in_alpha_schema():
            volunteer = make_volunteer(made, name=f"Vera Volunteer {run}", at=CENTRE)
            request = make_open_request(
                made, at=north_of(CENTRE, 1.5), description=f"Shopping from the corner shop {run}",
                person_name=person, person_phone=phone,
            )
            email = volunteer.user.email

        log_in(page, live_server_url, email)
        page.goto(group_url(live_server_url, "/volunteer/nearby/"))
        expect(page.get_by_role("heading", name="Requests near you")).to_be_visible()
        card = page.locator(f"li[data-request='{request.pk}']")
        expect(card).to_be_visible()
        expect(card).to_contain_text(f"Shopping from the corner shop {run}")
        expect(card).to_contain_text(re.compile(r"about \d+(\.\d+)? km away"))
        # Before a claim, neither the person's name nor their phone leave the server.
        assert person not in page.content()
        assert phone not in page.content()

        card.get_by_role("button", name="I can help").click()
        page.wait_for_url(group_url(live_server_url, "/volunteer/tasks/"))
        expect(page.get_by_role("status")).to_contain_text("It is yours")
        task = page.locator(f"li[data-request='{request.pk}']")
        expect(task).to_contain_text(person)
        expect(task.get_by_role("link", name=phone)).to_have_attribute("href", f"tel:{phone}")
        with in_alpha_schema():
            claimed = HelpRequest.objects.get(pk=request.pk)
        assert (claimed.status, claimed.volunteer_id) == ("claimed", volunteer.user_id)

        task.get_by_role("button", name="Mark done").click()
        page.wait_for_url(group_url(live_server_url, "/volunteer/tasks/"))
        # Done: it leaves the live list, and its person's details leave the volunteer's screen.
        expect(page.locator(f"ul.requests:not(.past) li[data-request='{request.pk}']")
               ).to_have_count(0)
        expect(page.locator(f"ul.past li[data-request='{request.pk}']")).to_contain_text("Done")
        assert person not in page.content() and phone not in page.content()
        with in_alpha_schema():
            done = HelpRequest.objects.get(pk=request.pk)
        assert (done.status, done.volunteer_id) == ("done", volunteer.user_id)
    finally:
        made.clean_up()


# ----------------------------------------------------------------------------------- dispatch

def test_a_coordinator_auto_assigns_the_queue_from_a_preview(page, live_server_url):
    from tenants.requests.models import HelpRequest

    made = Made()
    run = uuid.uuid4().hex[:8]
    # Two neighbourhoods 20 km apart, each with one volunteer (5 km radius) and one request
    # 1 km from them: the only plan assigns each request to its own neighbour.
    west, east = (51.5072, -0.2700), (51.5072, 0.0180)
    try:
        with in_alpha_schema():
            walter = make_volunteer(made, name=f"Walter West {run}", at=west)
            edna = make_volunteer(made, name=f"Edna East {run}", at=east)
            west_request = make_open_request(
                made, at=north_of(west, 1), description=f"Groceries in the west {run}",
                person_name=f"Wilma {run}", person_phone="07700 900001",
            )
            east_request = make_open_request(
                made, at=north_of(east, 1), description=f"Groceries in the east {run}",
                person_name=f"Ernest {run}", person_phone="07700 900002",
            )
            expected = {west_request.pk: walter.user, east_request.pk: edna.user}

        log_in(page, live_server_url, "coordinator@alpha.example.org")
        page.goto(group_url(live_server_url, "/dispatch/"))
        expect(page.get_by_role("heading", name="Requests waiting")).to_be_visible()
        for pk in expected:
            expect(page.locator(f"li[data-request='{pk}']")).to_be_visible()

        page.get_by_role("link", name="Plan auto-assign for the whole queue").click()
        # The plan is made in-process here (no worker): the preview comes at once, perhaps
        # after a progress page that links to the same address with its plan's id.
        expect(page).to_have_url(re.compile(re.escape(group_url(live_server_url,
                                                                "/dispatch/auto/"))))
        table = page.get_by_role("table", name="Proposed assignments")
        expect(table).to_be_visible()
        previewed = {}
        for pk, user in expected.items():
            row = table.locator(f"tr[data-request='{pk}']")
            expect(row).to_have_count(1)
            expect(row.get_by_role("cell").nth(0)).to_have_text(f"#{pk} Shopping")
            expect(row.get_by_role("cell").nth(1)).to_have_text(user.name)
            previewed[pk] = row.get_by_role("cell").nth(1).inner_text()
        assert previewed == {pk: user.name for pk, user in expected.items()}

        page.get_by_role("button", name="Confirm these assignments").click()
        page.wait_for_url(group_url(live_server_url, "/dispatch/"))
        expect(page.get_by_role("status")).to_contain_text(
            "2 requests assigned, 0 skipped because something changed.")
        for pk in expected:
            expect(page.locator(f"li[data-request='{pk}']")).to_have_count(0)
        with in_alpha_schema():
            assigned = {r.pk: (r.status, r.volunteer_id)
                        for r in HelpRequest.objects.filter(pk__in=list(expected))}
        assert assigned == {pk: ("assigned", user.pk) for pk, user in expected.items()}
    finally:
        made.clean_up()


def test_a_volunteer_claims_from_the_map_with_no_tiles_reachable(page, live_server_url):
    """The map draws the request's area (tiles cannot load here: no internet, as on a bad
    connection) and its popup carries the claim button."""
    from tenants.requests.models import HelpRequest

    made = Made()
    run = uuid.uuid4().hex[:8]
    try:
        with in_alpha_schema():
            volunteer = make_volunteer(made, name=f"Mira Map {run}", at=CENTRE)
            request = make_open_request(
                made, at=north_of(CENTRE, 2), description=f"Dog walk {run}",
                person_name=f"Otto Hidden {run}", person_phone="07700 900777",
            )
            email = volunteer.user.email
        log_in(page, live_server_url, email)
        page.goto(group_url(live_server_url, "/volunteer/nearby/"))
        area = page.locator("#nearby-map path.leaflet-interactive")
        expect(area).to_have_count(1)
        area.click()
        popup = page.locator(".leaflet-popup")
        expect(popup).to_be_visible()
        popup.get_by_role("button", name="I can help").click()
        page.wait_for_url(group_url(live_server_url, "/volunteer/tasks/"))
        expect(page.locator(f"li[data-request='{request.pk}']")).to_contain_text(
            f"Otto Hidden {run}")
        with in_alpha_schema():
            assert HelpRequest.objects.get(pk=request.pk).volunteer_id == volunteer.user_id
    finally:
        made.clean_up()
