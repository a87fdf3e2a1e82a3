"""The group's languages page: which of the platform's languages it offers and its default;
the switcher and pages follow; wording in a dropped language is kept; the setup checklist
ticks itself off once saved."""

from __future__ import annotations

import pytest
from django.db import connection

from core.accounts.models import User
from core.audit.models import AuditEntry
from core.errors import Refused
from core.tenancy.models import Group
from core.tenancy.services import set_languages
from core.testing.people import PASSWORD
from tenants.requests.models import RequestType
from tenants.requests.types import TypeSpec, update_type

pytestmark = pytest.mark.django_db


def use(group) -> Group:
    tenant = Group.objects.get(schema_name=group.slug)
    connection.set_tenant(tenant)
    return tenant


def login(client, group, email) -> None:
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD},
                           HTTP_HOST=group.host)
    assert response.status_code == 302


def languages(group) -> tuple[list[str], str]:
    row = Group.objects.get(schema_name=group.slug)
    return row.enabled_languages, row.default_language


def audit(group, action="group.languages") -> list[tuple]:
    use(group)
    return list(AuditEntry.objects.filter(action=action).order_by("pk")
                .values_list("actor_label", "data"))


def switcher_offers(client, group, language="en") -> list[str]:
    import re

    client.cookies["django_language"] = language
    body = client.get("/", HTTP_HOST=group.host).content.decode()
    select = body[body.index('id="language-select"'):body.index("</select>")]
    return re.findall(r'<option value="([a-z]+)"', select)


def test_the_default_must_be_offered(client, alpha):
    login(client, alpha, alpha.admin_email)
    response = client.post("/setup/languages/", {"enabled": ["en"], "default": "es"},
                           HTTP_HOST=alpha.host)
    assert response.status_code == 400
    assert "The default language must be one of the languages you offer." in \
        response.content.decode()
    none = client.post("/setup/languages/", {"default": "en"}, HTTP_HOST=alpha.host)
    assert none.status_code == 400 and "Offer at least one language." in none.content.decode()
    assert languages(alpha) == (["en"], "en")
    assert audit(alpha) == []
    admin = User.objects.get(email=alpha.admin_email)
    for enabled, default in ((["en"], "es"), ([], "en"), (["fr"], "fr")):
        with pytest.raises(Refused):
            set_languages(group=connection.tenant, enabled=enabled, default=default,
                          actor=admin)
    assert languages(alpha) == (["en"], "en")


def test_offering_spanish_shows_it_in_the_switcher_and_dropping_it_hides_it(
        client, alpha, django_capture_on_commit_callbacks):
    assert switcher_offers(client, alpha) == ["en"]
    login(client, alpha, alpha.admin_email)
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post("/setup/languages/", {"enabled": ["es", "en"], "default": "en"},
                            HTTP_HOST=alpha.host)
    assert saved.status_code == 302 and saved["Location"] == "/setup/"
    assert languages(alpha) == (["en", "es"], "en")  # in the platform's order
    assert switcher_offers(client, alpha, "es") == ["en", "es"]
    assert audit(alpha) == [(alpha.admin_email, {
        "before": {"enabled": ["en"], "default": "en"},
        "after": {"enabled": ["en", "es"], "default": "en"}})]

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/setup/languages/", {"enabled": ["en"], "default": "en"},
                    HTTP_HOST=alpha.host)
    assert switcher_offers(client, alpha, "es") == ["en"]
    # A Spanish cookie no longer makes a Spanish page.
    client.cookies["django_language"] = "es"
    page = client.get("/ask/", HTTP_HOST=alpha.host)
    assert page["Content-Language"] == "en" and '<html lang="en">' in page.content.decode()


def test_dropping_a_language_the_group_uses_keeps_its_wording_and_warns(
        client, alpha, django_capture_on_commit_callbacks):
    use(alpha)
    admin = User.objects.get(email=alpha.admin_email)
    with django_capture_on_commit_callbacks(execute=True):
        set_languages(group=connection.tenant, enabled=["en", "es"], default="es", actor=admin)
    use(alpha)
    shopping = RequestType.objects.get(code="shopping")
    update_type(type_id=shopping.pk, actor=admin, spec=TypeSpec(
        names={"es": "Compras", "en": "Shopping"}, icon="🛒", mode="in_person"))
    User.objects.filter(email=alpha.volunteer_email).update(preferred_language="es")

    login(client, alpha, alpha.admin_email)
    with django_capture_on_commit_callbacks(execute=True):
        # Spanish is the default: dropping it means choosing another default.
        refused = client.post("/setup/languages/", {"enabled": ["en"], "default": "es"},
                              HTTP_HOST=alpha.host)
        assert refused.status_code == 400
        dropped = client.post("/setup/languages/", {"enabled": ["en"], "default": "en"},
                              HTTP_HOST=alpha.host, follow=True)
    body = dropped.content.decode()
    assert "member chose a language you no longer offer" in body
    assert languages(alpha) == (["en"], "en")
    use(alpha)
    assert RequestType.objects.get(pk=shopping.pk).names == {"es": "Compras", "en": "Shopping"}
    client.cookies["django_language"] = "es"
    assert "Compras" not in client.get("/ask/", HTTP_HOST=alpha.host).content.decode()
    # Offered again, the Spanish names are back.
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/setup/languages/", {"enabled": ["en", "es"], "default": "en"},
                    HTTP_HOST=alpha.host)
    client.cookies["django_language"] = "es"
    assert "Compras" in client.get("/ask/", HTTP_HOST=alpha.host).content.decode()


def test_beta_is_untouched_by_alphas_languages(client, alpha, beta,
                                               django_capture_on_commit_callbacks):
    login(client, alpha, alpha.admin_email)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/setup/languages/", {"enabled": ["en", "es"], "default": "es"},
                    HTTP_HOST=alpha.host)
    assert languages(alpha) == (["en", "es"], "es")
    assert languages(beta) == (["en"], "en")
    assert switcher_offers(client.__class__(), beta, "es") == ["en"]


@pytest.mark.parametrize("role", ["coordinator", "volunteer"])
def test_only_admins_choose_languages(client, alpha, role):
    login(client, alpha, getattr(alpha, f"{role}_email"))
    assert client.get("/setup/languages/", HTTP_HOST=alpha.host).status_code == 403
    response = client.post("/setup/languages/", {"enabled": ["en", "es"], "default": "es"},
                           HTTP_HOST=alpha.host)
    assert response.status_code == 403
    assert languages(alpha) == (["en"], "en")
    assert audit(alpha) == []


def test_the_checklist_ticks_each_page_off_once_saved(
        client, alpha, django_capture_on_commit_callbacks):
    login(client, alpha, alpha.admin_email)

    def done() -> dict[str, bool]:
        items = client.get("/setup/", HTTP_HOST=alpha.host).context["items"]
        return {item.key: item.done for item in items
                if item.key in ("request_types", "languages", "branding")}

    items = client.get("/setup/", HTTP_HOST=alpha.host).context["items"]
    assert {i.key: i.url for i in items if i.key in ("request_types", "languages",
                                                     "branding")} == {
        "request_types": "/setup/types/", "languages": "/setup/languages/",
        "branding": "/setup/branding/"}
    assert done() == {"request_types": False, "languages": False, "branding": False}
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/setup/languages/", {"enabled": ["en"], "default": "en"},
                    HTTP_HOST=alpha.host)
    assert done() == {"request_types": False, "languages": True, "branding": False}
    client.post("/setup/types/", {"names_en": "Gardening", "icon": "🌱", "mode": "remote",
                                  "vetting_level": "0", "active": "on"}, HTTP_HOST=alpha.host)
    assert done() == {"request_types": True, "languages": True, "branding": False}
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/setup/branding/", {"name": "Alpha Mutual Aid"}, HTTP_HOST=alpha.host)
    assert done() == {"request_types": True, "languages": True, "branding": True}
