"""Group signup in a real browser: the platform's home page is the form; a good submission
lands the new admin, logged in, on the setup checklist at the group's own host; a bad one
stays on the form and moves focus to the error."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.committed]

CHECKLIST = ["email", "request_types", "forms", "languages", "branding", "retention", "team",
             "priority", "impact"]


def open_signup(page, live_server_url) -> None:
    """Open the platform's home page, with the static files it needs."""
    failed: list[str] = []

    def static(url: str) -> bool:
        return urlsplit(url).path.startswith("/static/")

    page.on(
        "response",
        lambda r: failed.append(f"{r.status} {r.url}")
        if r.status >= 400 and static(r.url)
        else None,
    )
    # A stylesheet answered with a 404 HTML page is aborted, without a response event.
    page.on(
        "requestfailed",
        lambda r: failed.append(f"{r.failure} {r.url}") if static(r.url) else None,
    )
    page.goto(live_server_url + "/")
    page.wait_for_load_state("load")
    expect(page.locator("#signup-form")).to_be_visible()
    # The slug suggestion and the focus on errors are signup.js's work: say so when it 404s.
    assert failed == [], f"static files the page needs are not served: {failed}"


def fill_all_but_name_and_slug(page) -> None:
    """Fill the form through its labels (which proves each label is associated)."""
    form = page.locator("#signup-form")
    form.get_by_label("Your name").fill("Ada Admin")
    form.get_by_label("Your email").fill("ada@brixton.example.org")
    form.get_by_label("Password").fill("plenty-of-tea-42")
    form.get_by_label("Country").select_option("GB")
    form.get_by_label("Time zone").select_option("Europe/London")
    # Scoped to the form: the header's language switcher is labelled "Language" too.
    form.get_by_label("Language").select_option("en")
    form.get_by_label("Map centre latitude").fill("51.46")
    form.get_by_label("Map centre longitude").fill("-0.11")


def test_signup_lands_the_admin_on_the_checklist_of_their_own_host(page, live_server_url):
    port = urlsplit(live_server_url).port
    open_signup(page, live_server_url)

    # The page's script suggests the web address from the name as it is typed.
    page.get_by_label("Group name").press_sequentially("Brixton Helpers")
    expect(page.get_by_label("Web address")).to_have_value("brixton-helpers")
    fill_all_but_name_and_slug(page)

    setup_url = f"http://brixton-helpers.localhost:{port}/setup/"
    checklist = page.locator("ol.checklist")
    started = time.perf_counter()
    page.get_by_role("button", name="Create our group").click()
    page.wait_for_url(setup_url)
    expect(checklist).to_be_visible()
    elapsed_ms = (time.perf_counter() - started) * 1000
    print(f"\nsignup submit -> checklist visible: {elapsed_ms:.0f} ms")

    assert page.url == setup_url
    expect(page.locator("h1")).to_contain_text("Welcome to Brixton Helpers")
    items = checklist.locator("li[data-item]")
    expect(items).to_have_count(len(CHECKLIST))
    assert [item.get_attribute("data-item") for item in items.all()] == CHECKLIST

    # The session is host-only: set for the group's host, never for all of *.localhost.
    cookies = page.context.cookies()
    sessions = [c["domain"] for c in cookies if c["name"] == "sessionid"]
    assert sessions == ["brixton-helpers.localhost"], cookies
    assert [c for c in cookies if c["domain"].startswith(".")] == [], cookies

    # So the platform host does not know the admin.
    page.goto(live_server_url + "/")
    header = page.locator("header.site-header")
    expect(header.get_by_role("link", name="Log in")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def test_reserved_address_is_refused_in_place_with_focus_on_the_error(page, live_server_url):
    from core.tenancy.models import Group

    open_signup(page, live_server_url)
    visited: list[str] = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))
    page.get_by_label("Group name").fill("World Wide Helpers")
    page.get_by_label("Web address").fill("www")
    fill_all_but_name_and_slug(page)
    page.get_by_label("Web address").press("Enter")

    expect(page.get_by_text("This address is reserved")).to_be_visible()
    # The form answered in place: still the platform's home page, no group host visited.
    assert page.url == live_server_url + "/"
    assert all(urlsplit(url).hostname == "localhost" for url in visited), visited
    assert not Group.objects.filter(schema_name="www").exists()
    focus_on_error = page.evaluate(
        """() => {
            const el = document.activeElement;
            return !!el && !!el.closest('.has-error, #error-summary');
        }"""
    )
    assert focus_on_error, page.evaluate("() => document.activeElement.outerHTML")
