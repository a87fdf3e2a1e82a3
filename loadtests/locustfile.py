"""The people of `make loadtest`, as Locust users (loadtests/loadtest.py starts Locust).

Who (weights: how many of the users are of each kind; think time between their steps
LOADTEST_WAIT seconds, default 1-4, three times that for coordinators and admins):
- PublicVisitor (6): a stranger asks for help through a group's public form: the form, then
  sending it (CSRF and all), then the thanks page. A fresh visitor each time (new cookies,
  new address), at any group of the fleet.
- Volunteer (10): signs in to a busy group once, then looks at the nearby list (the list and
  the map's data are one page), filtered or not, at their tasks, and now and then claims a
  request from the list and gives it straight back (so the data stays as it was).
- Coordinator (3): the queue, a request's page, the dashboard (`/reports/`, once it exists).
- Admin (1): the page of the group's own questions, and an edit of one question's help text
  (back and forth between two wordings).
- Signup (exactly one user): a new group signs up on the platform's home page every
  LOADTEST_SIGNUP_EVERY seconds (default 30), follows the hand-off to its own host and sees
  its setup checklist. Its groups are dropped after the run.

Where (LOADTEST_SCENARIO): `spread`: signed-in people at a random busy group each, visitors
at any group of the fleet; `one`: everybody at the first busy group (the tenancy overhead's
baseline). Hosts are `<slug>.localhost:<port>`: this file resolves `*.localhost` to loopback,
so cookies are kept per host, as in a browser. Every user sends its own address in
X-Forwarded-For, as a proxy in front of the servers would.

The pages' forms are read as a browser would submit them (page_forms.py). A response that is
not what that person would see (a wrong status, a missing list, a form sent back with
errors) counts as a failure.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import random
import re
import socket
import sys
import uuid
from pathlib import Path

from locust import HttpUser, between, constant_pacing, events, task
from locust.exception import RescheduleTask

sys.path.insert(0, str(Path(__file__).resolve().parent))
from page_forms import csrf_token, form_with  # noqa: E402

MANIFEST = json.loads(Path(os.environ["LOADTEST_MANIFEST"]).read_text())
SCENARIO = os.environ.get("LOADTEST_SCENARIO", "spread")
WAIT = [float(x) for x in os.environ.get("LOADTEST_WAIT", "1,4").split(",")]
SIGNUP_EVERY = float(os.environ.get("LOADTEST_SIGNUP_EVERY", "30"))
PORT, DOMAIN = MANIFEST["port"], MANIFEST["domain"]
ONE_GROUP = MANIFEST["data_groups"][0]
POSTED_TO: set[str] = set()  # groups whose public form got a request (removed afterwards)
_numbers = itertools.count(1)

_getaddrinfo = socket.getaddrinfo


def _loopback_getaddrinfo(host, *args, **kwargs):
    """`*.localhost` is loopback (RFC 6761), as browsers and curl know; the C library here
    does not."""
    if isinstance(host, str) and host.endswith(".localhost"):
        host = "127.0.0.1"
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _loopback_getaddrinfo


@events.test_stop.add_listener
def _write_posted_to(**_kwargs):
    if os.environ.get("LOADTEST_POSTED_FILE"):
        Path(os.environ["LOADTEST_POSTED_FILE"]).write_text(json.dumps(sorted(POSTED_TO)))


def group_url(slug: str, path: str) -> str:
    return f"http://{slug}.{DOMAIN}:{PORT}{path}"


class Failed(RescheduleTask):
    """A page was not what the person would have seen (already counted as a failure): they
    give up this step and, after a pause, do something else."""


def signed_in(step):
    """The step of a signed-in person: signs in first if they are not (yet, or any more)."""
    @functools.wraps(step)
    def run(self):
        if not self.signed_in:
            self.sign_in()
        return step(self)
    return run


class Person(HttpUser):
    abstract = True
    wait_time = between(*WAIT)
    host = f"http://{DOMAIN}:{PORT}"  # the platform's host; groups' pages use full URLs

    def on_start(self):
        self.number = next(_numbers)
        self.new_address()

    def new_address(self):
        n = random.getrandbits(24)
        self.client.headers["X-Forwarded-For"] = f"10.{n >> 16}.{(n >> 8) & 255}.{n & 255}"

    # One request; a failure (and Failed) unless the status is `expect` and the page holds
    # `shows`. Returns the page.
    def get(self, url: str, name: str, *, expect: int = 200, shows: str = "") -> str:
        with self.client.get(url, name=name, allow_redirects=False,
                             catch_response=True) as response:
            ok = self._check(response, expect, shows)
        if not ok:
            raise Failed()
        return response.text

    def post(self, url: str, data: dict, name: str, *, expect: int = 302) -> str:
        """Posts like a browser (Origin header; no redirect followed); returns the Location."""
        origin = re.match(r"https?://[^/]+", url).group(0)
        with self.client.post(url, data=data, name=name, allow_redirects=False,
                              headers={"Origin": origin, "Referer": url},
                              catch_response=True) as response:
            ok = self._check(response, expect, "")
        if not ok:
            raise Failed()
        return response.headers.get("Location", "")

    @staticmethod
    def _check(response, expect: int, shows: str) -> bool:
        if response.status_code != expect:
            why = response.headers.get("Location", "") or repr(getattr(response, "error", ""))
            response.failure(f"{response.status_code} (wanted {expect}) {why}")
            return False
        if shows and shows not in response.text:
            response.failure(f"the page does not show {shows!r}")
            return False
        response.success()
        return True

    def assets(self, page: str) -> None:
        """Stylesheets and scripts, as a browser on its first visit (WhiteNoise's)."""
        for path in re.findall(r'(?:href|src)="(/static/[^"]+|/branding/[^"]+)"', page):
            self.get(group_url(self.slug, path), "static file" if path.startswith("/static/")
                     else "group theme")



class Member(Person):
    """Someone with a login at a busy group: signs in at their first step (again at the next
    one if signing in failed), then stays signed in."""

    abstract = True

    def on_start(self):
        super().on_start()
        logins = MANIFEST["volunteer_logins"]
        if SCENARIO == "one":
            self.slug, self.login_number = ONE_GROUP, 1 + self.number % logins
        else:
            self.slug = random.choice(MANIFEST["data_groups"])
            self.login_number = random.randint(1, logins)
        self.signed_in = False

    def credentials(self) -> tuple[str, str]:
        raise NotImplementedError

    def sign_in(self) -> None:
        """The sign-in page, signing in, the home page and its stylesheets and scripts."""
        email, password = self.credentials()
        url = group_url(self.slug, "/accounts/login/")
        page = self.get(url, "sign in: form")
        to = self.post(url, {**form_with(page, "login").values, "login": email,
                             "password": password}, "sign in: send")
        self.signed_in = True
        self.assets(self.get(group_url(self.slug, to or "/"), "home", shows="<main"))


class PublicVisitor(Person):
    weight = 6

    @task
    def ask_for_help(self):
        slug = ONE_GROUP if SCENARIO == "one" else random.choice(MANIFEST["groups"])
        self.client.cookies.clear()  # somebody new
        self.new_address()
        url = group_url(slug, "/ask/")
        form = form_with(self.get(url, "ask: form", shows="submission_key"), "submission_key")
        data = {**form.values, "type": random.choice(form.options["type"]),
                "description": "Some shopping, please: bread, milk and fruit.",
                "person_name": MANIFEST["visitor_name"], "person_phone": "07700 900123",
                "postcode": random.choice(MANIFEST["postcodes"]),
                "address": "1 Visitor Street"}
        to = self.post(url, data, "ask: send")
        POSTED_TO.add(slug)
        if to:
            self.get(group_url(slug, to), "ask: thanks")


class Volunteer(Member):
    weight = 10
    nearby_page = ""

    def credentials(self):
        return f"volunteer{self.login_number}@{self.slug}.example.org", MANIFEST["password"]

    @task(6)
    @signed_in
    def nearby(self):
        self.nearby_page = self.get(group_url(self.slug, "/volunteer/nearby/"), "nearby: list",
                                    shows="nearby-map-data")

    @task(2)
    @signed_in
    def nearby_filtered(self):
        query = random.choice(["?order=urgency", "?km=8", "?km=3&order=urgency", "?pages=2"])
        self.get(group_url(self.slug, f"/volunteer/nearby/{query}"), "nearby: list, filtered",
                 shows="nearby-map-data")

    @task(2)
    @signed_in
    def my_tasks(self):
        self.get(group_url(self.slug, "/volunteer/tasks/"), "volunteer: my tasks")

    @task(1)
    @signed_in
    def claim_and_give_back(self):
        claimable = re.findall(r'action="(/volunteer/requests/(\d+)/claim/)"', self.nearby_page)
        if not claimable:
            return self.nearby()
        path, pk = random.choice(claimable)
        to = self.post(group_url(self.slug, path), {"csrfmiddlewaretoken":
                                                    csrf_token(self.nearby_page)},
                       "volunteer: claim")
        if not to.endswith("/volunteer/tasks/"):  # someone was quicker: back to the list
            return self.nearby()
        tasks = self.get(group_url(self.slug, to), "volunteer: my tasks")
        self.post(group_url(self.slug, f"/volunteer/tasks/{pk}/unclaim/"),
                  {"csrfmiddlewaretoken": csrf_token(tasks)}, "volunteer: give back")


class Coordinator(Member):
    weight = 3
    wait_time = between(3 * WAIT[0], 3 * WAIT[1])  # longer pages, phone calls between
    queue_page = ""

    def credentials(self):
        return f"coordinator@{self.slug}.example.org", MANIFEST["password"]

    @task(4)
    @signed_in
    def queue(self):
        self.queue_page = self.get(group_url(self.slug, "/dispatch/"), "coordinator: queue")

    @task(2)
    @signed_in
    def request_page(self):
        ids = re.findall(r'href="/dispatch/(\d+)/"', self.queue_page)
        if not ids:
            return self.queue()
        self.get(group_url(self.slug, f"/dispatch/{random.choice(ids)}/"),
                 "coordinator: request page")

    @task(2)
    @signed_in
    def dashboard(self):
        if MANIFEST.get("dashboard"):
            self.get(group_url(self.slug, MANIFEST["dashboard"]), "coordinator: dashboard")
        else:
            self.queue()


class Admin(Member):
    weight = 1
    wait_time = between(3 * WAIT[0], 3 * WAIT[1])

    def credentials(self):
        return f"admin@{self.slug}.example.org", MANIFEST["admin_password"]

    @task(2)
    @signed_in
    def questions(self):
        return self.get(group_url(self.slug, "/setup/forms/"), "admin: questions")

    @task(1)
    @signed_in
    def edit_question(self):
        ids = re.findall(r'href="/setup/forms/questions/(\d+)/"', self.questions())
        if not ids:
            return
        url = group_url(self.slug, f"/setup/forms/questions/{ids[0]}/")
        form = form_with(self.get(url, "admin: question form"), "kind")
        helps = [k for k in form.values if k.startswith("help_texts")]
        data = dict(form.values)
        for key in helps[:1]:  # the default language's box
            text = data[key].rstrip(".!")
            data[key] = text + ("!" if data[key].endswith(".") else ".")
        to = self.post(url, data, "admin: question save")
        if to:
            self.get(group_url(self.slug, to), "admin: questions")


class Signup(Person):
    fixed_count = 1
    wait_time = constant_pacing(SIGNUP_EVERY)

    @task
    def sign_up(self):
        self.client.cookies.clear()
        self.new_address()
        home = f"http://{DOMAIN}:{PORT}/"
        form = form_with(self.get(home, "signup: form"), "group_name")
        slug = f"{MANIFEST['signup_prefix']}{uuid.uuid4().hex[:10]}"
        to = self.post(home, {
            **form.values, "group_name": f"Load test group {slug}", "slug": slug,
            "admin_name": "Lee Loadtest", "email": f"admin@{slug}.example.org",
            "password": "a-long-load-test-password-7", "country": "GB",
            "timezone": "Europe/London", "default_language": "en",
            "map_center_lat": "51.5072", "map_center_lng": "-0.1276"}, "signup: send",
            expect=303)
        if not to:
            return
        self.get(to, "signup: welcome", expect=302)  # signs the new admin in, on its host
        self.get(group_url(slug, "/setup/"), "signup: setup checklist")
