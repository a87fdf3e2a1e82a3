"""The form builder in a real browser, on a phone: an admin adds a required question with its
Spanish wording; a person opening the request form in Spanish must answer it (the Spanish
error when they do not), and their answer is kept with the request.

This test commits: the question and requests it makes in alpha's schema are deleted, and
alpha's languages put back, in a `finally` block.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from core.testing.browser import PHONE
from core.testing.people import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.committed]


def group_url(live_server_url: str, path: str) -> str:
    return f"http://alpha.localhost:{urlsplit(live_server_url).port}{path}"


@contextmanager
def in_alpha_schema():
    from django.db import connection

    from core.tenancy.models import Group

    connection.set_tenant(Group.objects.get(schema_name="alpha"))
    try:
        yield
    finally:
        connection.set_schema_to_public()


def set_alpha_languages(languages: list[str]) -> None:
    from core.tenancy import routing
    from core.tenancy.models import Group

    Group.objects.filter(schema_name="alpha").update(enabled_languages=languages)
    routing.forget("alpha.localhost")


def test_an_admin_adds_a_required_question_the_spanish_form_then_asks(browser, page,
                                                                       live_server_url):
    from tenants.forms.models import CustomField
    from tenants.requests.models import HelpRequest

    run = uuid.uuid4().hex[:8]
    english, spanish = f"Do you have pets? ({run})", f"¿Tiene mascotas? ({run})"
    description = f"Leche y pan, por favor ({run})"
    set_alpha_languages(["en", "es"])
    spanish_context = browser.new_context(viewport=PHONE, locale="es-ES")
    try:
        # The admin adds the question through the setup page.
        page.goto(group_url(live_server_url, "/accounts/login/"))
        page.get_by_label("Email").fill("admin@alpha.example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
        page.goto(group_url(live_server_url, "/setup/forms/"))
        page.get_by_role("link", name="Add a question to the request form").click()
        question = page.get_by_role("group", name="Question", exact=True)
        question.get_by_label("English").fill(english)
        question.get_by_label("Spanish").fill(spanish)
        page.get_by_label("Kind of answer").select_option("short_text")
        page.get_by_label("An answer is required").check()
        page.get_by_role("button", name="Save the question").click()
        expect(page).to_have_url(group_url(live_server_url, "/setup/forms/"))
        expect(page.locator("section[data-form=request]")).to_contain_text(english)
        with in_alpha_schema():
            key = CustomField.objects.get(labels__en=english).key

        # A person asks in Spanish, first forgetting the new question.
        person = spanish_context.new_page()
        person.goto(group_url(live_server_url, "/ask/"))
        form = person.locator("#ask-form")
        expect(form.get_by_label(spanish)).to_be_visible()
        assert english not in person.content()
        form.locator("input[name=type]").first.check()
        form.locator("[name=description]").fill(description)
        form.locator("[name=person_name]").fill("Rosa Pregunta")
        form.locator("[name=person_phone]").fill("07700 900123")
        form.locator("button[type=submit]").click()
        error = person.locator(f"#id_answer_{key}_error")
        expect(error).to_have_text("Este campo es obligatorio.")
        expect(form.get_by_label(spanish)).to_have_attribute("aria-invalid", "true")
        with in_alpha_schema():
            assert not HelpRequest.objects.filter(description=description).exists()

        # With the answer, the request is made and the answer kept with it.
        form.get_by_label(spanish).fill("Un gato muy simpático")
        form.locator("button[type=submit]").click()
        expect(person).to_have_url(group_url(live_server_url, "/ask/thanks/"))
        with in_alpha_schema():
            made = HelpRequest.objects.get(description=description)
        assert made.answers == {key: "Un gato muy simpático"}
    finally:
        spanish_context.close()
        set_alpha_languages(["en"])
        with in_alpha_schema():
            from core.audit.models import AuditEntry

            HelpRequest.objects.filter(description=description).delete()
            made = CustomField.objects.filter(labels__en=english)
            # Its audit rows too: the setup checklist reads them ("forms" done).
            AuditEntry.objects.filter(target_type="forms.customfield", target_id__in=[
                str(pk) for pk in made.values_list("pk", flat=True)]).delete()
            made.delete()
