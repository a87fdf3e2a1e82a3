"""A group's accent colour in a real browser: set through the admins' page, applied by the
per-group stylesheet (no inline style, so no Content Security Policy violation)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from test_csp_browser import watch_for_violations
from test_workflow_browser import group_url, log_in

pytestmark = [pytest.mark.browser, pytest.mark.committed]


def reset_alpha() -> None:
    from core.tenancy import routing
    from core.tenancy.models import Group

    Group.objects.filter(schema_name="alpha").update(brand_accent="", name="Alpha Mutual Aid")
    routing.forget("alpha.localhost")


def test_an_admin_sets_the_accent_and_buttons_take_it(page, live_server_url, alpha):
    violations = watch_for_violations(page)
    try:
        log_in(page, live_server_url, alpha.admin_email)
        page.goto(group_url(live_server_url, "/setup/branding/"))
        page.get_by_label("Accent colour").fill("#777777")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("has a contrast ratio of 4.47:1")).to_be_visible()

        page.get_by_label("Accent colour").fill("#6b21a8")
        page.get_by_role("button", name="Save").click()
        expect(page).to_have_url(group_url(live_server_url, "/setup/"))
        page.goto(group_url(live_server_url, "/"))
        ask = page.locator("a.button.primary")
        expect(ask).to_have_css("background-color", "rgb(107, 33, 168)")
        assert violations == []
    finally:
        reset_alpha()
