"""The group's branding: name, logo (PNG/JPEG up to 1 MB, by content; public at
/branding/logo on its own host only), accent colour (white text on it readable, WCAG AA;
applied through /branding/theme.css, the CSP untouched), welcome text per language with
fallback, contact details. Refusals change nothing and leave no file; every save audited."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from core.accounts.models import User
from core.audit.models import AuditEntry
from core.errors import Refused
from core.tenancy.branding import contrast_with_white, version
from core.tenancy.models import Group
from core.tenancy.services import Branding, set_branding, set_languages
from core.testing.people import PASSWORD

pytestmark = pytest.mark.django_db


def png(width: int = 2, height: int = 1, padding: bytes = b"") -> bytes:
    """A real PNG (white pixels), optionally with a comment chunk to make it big."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + b"\xff\xff\xff" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + (chunk(b"tEXt", b"Comment\x00" + padding) if padding else b"")
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00,\x00\x00\x00\x00\x01\x00;"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def use(group) -> Group:
    tenant = Group.objects.get(schema_name=group.slug)
    connection.set_tenant(tenant)
    return tenant


def login(client, group, email) -> None:
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD},
                           HTTP_HOST=group.host)
    assert response.status_code == 302


def row(group) -> tuple:
    g = Group.objects.get(schema_name=group.slug)
    return (g.name, g.brand_accent, g.brand_logo_key, g.welcome_texts, g.contact_email,
            g.contact_phone)


def audit(group) -> list[tuple]:
    use(group)
    return list(AuditEntry.objects.filter(action="group.branding").order_by("pk")
                .values_list("actor_label", "fields"))


def files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def save(client, group, callbacks, **fields):
    data = {"name": f"{group.slug.title()} Mutual Aid", **fields}
    with callbacks(execute=True):  # the old logo goes, routing forgets the group, after commit
        return client.post("/setup/branding/", data, HTTP_HOST=group.host)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_hard_to_read_accent_is_refused_with_its_ratio_and_nothing_is_saved(
        client, alpha, django_capture_on_commit_callbacks):
    login(client, alpha, alpha.admin_email)
    before = row(alpha)
    response = save(client, alpha, django_capture_on_commit_callbacks, name="Renamed",
                    accent="#777777", contact_email="hello@alpha.example.org")
    assert response.status_code == 400
    text = response.content.decode()
    assert "White text on #777777 has a contrast ratio of 4.47:1" in text  # 4.478, not 4.5
    assert "at least 4.5:1" in text
    assert row(alpha) == before
    assert audit(alpha) == []
    # Just above the line is fine; not a colour at all is refused too.
    assert contrast_with_white("#767676") >= 4.5
    assert save(client, alpha, django_capture_on_commit_callbacks,
                accent="blue").status_code == 400
    use(alpha)
    admin = User.objects.get(email=alpha.admin_email)
    with pytest.raises(Refused, match="4.47:1"):
        set_branding(group=connection.tenant, actor=admin,
                     branding=Branding(name="Renamed", accent="#777"))
    assert row(alpha) == before


def test_the_accent_reaches_pages_through_the_theme_stylesheet(
        client, alpha, beta, django_capture_on_commit_callbacks):
    login(client, alpha, alpha.admin_email)
    saved = save(client, alpha, django_capture_on_commit_callbacks, accent="#1D4ED8")
    assert saved.status_code == 302 and saved["Location"] == "/setup/"
    assert row(alpha)[1] == "#1d4ed8"
    home = client.get("/", HTTP_HOST=alpha.host)
    link = f'<link rel="stylesheet" href="/branding/theme.css?v={version("#1d4ed8")}">'
    assert link in home.content.decode()
    # No inline style was needed: the policy still allows our own stylesheets only.
    assert "style-src 'self';" in home["Content-Security-Policy"] + ";"
    assert "unsafe-inline" not in home["Content-Security-Policy"]
    css = client.get(f"/branding/theme.css?v={version('#1d4ed8')}", HTTP_HOST=alpha.host)
    assert css.status_code == 200 and css["Content-Type"] == "text/css; charset=utf-8"
    assert css.content == b":root { --accent: #1d4ed8; }\n"
    assert "immutable" in css["Cache-Control"]
    assert "max-age=300" in client.get("/branding/theme.css?v=old",
                                       HTTP_HOST=alpha.host)["Cache-Control"]
    # Beta keeps the platform's colour.
    other = client.__class__()
    assert b"--accent" not in other.get("/branding/theme.css", HTTP_HOST=beta.host).content
    assert "/branding/theme.css" not in other.get("/", HTTP_HOST=beta.host).content.decode()
    assert audit(alpha) == [(alpha.admin_email, ["brand_accent"])]


@pytest.mark.parametrize("name, content, message", [
    ("logo.png", GIF, "A logo must be a PNG or JPEG image."),
    ("logo.pdf", PDF, "A logo must be a PNG or JPEG image."),
    ("logo.png", b"", "The submitted file is empty."),
    ("logo.png", png(padding=b"x" * (1024 * 1024)), "This logo is too large: the limit is 1"),
])
def test_a_logo_of_the_wrong_kind_or_size_is_refused_and_nothing_is_kept(
        client, alpha, local_documents, django_capture_on_commit_callbacks, name, content,
        message):
    login(client, alpha, alpha.admin_email)
    before = row(alpha)
    response = save(client, alpha, django_capture_on_commit_callbacks, name="Renamed",
                    logo=SimpleUploadedFile(name, content, "image/png"))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert row(alpha) == before
    assert files(local_documents) == []
    assert audit(alpha) == []


def test_the_service_refuses_a_bad_logo_before_storing_anything(alpha, local_documents):
    use(alpha)
    admin = User.objects.get(email=alpha.admin_email)
    with pytest.raises(Refused, match="PNG or JPEG"):
        set_branding(group=connection.tenant, actor=admin, branding=Branding(name="Renamed"),
                     logo=SimpleUploadedFile("logo.gif", GIF))
    assert files(local_documents) == []
    assert Group.objects.get(schema_name="alpha").name == "Alpha Mutual Aid"


def test_a_logo_is_stored_under_the_groups_prefix_and_served_on_its_host_only(
        client, alpha, beta, local_documents, django_capture_on_commit_callbacks):
    login(client, alpha, alpha.admin_email)
    image = png()
    saved = save(client, alpha, django_capture_on_commit_callbacks,
                 logo=SimpleUploadedFile("our logo.PNG", image, "image/png"))
    assert saved.status_code == 302
    key = Group.objects.get(schema_name="alpha").brand_logo_key
    assert key.startswith("groups/alpha/") and key.endswith(".png")
    assert files(local_documents) == [key]

    visitor = client.__class__()  # a logo is public: no login needed
    served = visitor.get(f"/branding/logo?v={version(key)}", HTTP_HOST=alpha.host)
    assert served.status_code == 200 and body(served) == image
    assert served["Content-Type"] == "image/png"
    assert served["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Accept-Language" not in served["Vary"]  # the same in every language
    assert "sessionid" not in served.cookies and "csrftoken" not in served.cookies
    assert visitor.get("/branding/logo", HTTP_HOST=alpha.host,
                       HTTP_IF_NONE_MATCH=f'"{version(key)}"').status_code == 304
    home = visitor.get("/", HTTP_HOST=alpha.host).content.decode()
    assert f'<img src="/branding/logo?v={version(key)}" alt="" class="logo">' in home

    # Beta has no logo, and even a row naming alpha's file would not open it.
    assert visitor.get("/branding/logo", HTTP_HOST=beta.host).status_code == 404
    Group.objects.filter(schema_name="beta").update(brand_logo_key=key,
                                                    brand_logo_type="image/png")
    assert visitor.get("/branding/logo", HTTP_HOST=beta.host).status_code == 404

    # A new logo replaces the old file; removing it leaves none.
    assert save(client, alpha, django_capture_on_commit_callbacks,
                logo=SimpleUploadedFile("logo.jpg", JPEG)).status_code == 302
    new_key = Group.objects.get(schema_name="alpha").brand_logo_key
    assert new_key.endswith(".jpg") and files(local_documents) == [new_key]
    assert save(client, alpha, django_capture_on_commit_callbacks,
                remove_logo="on").status_code == 302
    assert files(local_documents) == []
    assert visitor.get("/branding/logo", HTTP_HOST=alpha.host).status_code == 404
    assert [fields for _, fields in audit(alpha)] == [
        ["brand_logo_key", "brand_logo_type"], ["brand_logo_key", "brand_logo_type"],
        ["brand_logo_key", "brand_logo_type"]]


def test_a_logo_on_s3_is_streamed_from_the_private_bucket(
        client, alpha, s3_documents, django_capture_on_commit_callbacks):
    login(client, alpha, alpha.admin_email)
    image = png(width=3)
    save(client, alpha, django_capture_on_commit_callbacks,
         logo=SimpleUploadedFile("logo.png", image))
    key = Group.objects.get(schema_name="alpha").brand_logo_key
    assert s3_documents.keys() == [key]
    served = client.get("/branding/logo", HTTP_HOST=alpha.host)
    assert served.status_code == 200 and body(served) == image
    assert served["Cache-Control"] == "public, max-age=300"
    # The bucket itself stays private.
    direct = requests.get(f"{s3_documents.server.endpoint_url}/{s3_documents.name}/{key}",
                          timeout=10)
    assert direct.status_code == 403


def test_welcome_text_per_language_falls_back_to_the_default_then_the_standard_sentence(
        client, alpha, django_capture_on_commit_callbacks):
    standard = "We are a local mutual aid group: neighbours helping neighbours."
    page = client.get("/", HTTP_HOST=alpha.host).content.decode()
    assert standard in page
    use(alpha)
    admin = User.objects.get(email=alpha.admin_email)
    with django_capture_on_commit_callbacks(execute=True):
        set_languages(group=connection.tenant, enabled=["en", "es"], default="en", actor=admin)
    login(client, alpha, alpha.admin_email)
    save(client, alpha, django_capture_on_commit_callbacks,
         welcome_texts_en="Hello, neighbours!\n\nWe shop on Tuesdays.",
         welcome_texts_es="¡Hola, vecinos!", contact_email="hello@alpha.example.org",
         contact_phone="020 7946 0000")
    visitor = client.__class__()
    visitor.cookies["django_language"] = "es"
    spanish = visitor.get("/", HTTP_HOST=alpha.host).content.decode()
    assert "¡Hola, vecinos!" in spanish and "Hello, neighbours!" not in spanish
    assert 'href="mailto:hello@alpha.example.org"' in spanish
    assert 'href="tel:02079460000">020 7946 0000</a>' in spanish
    visitor.cookies["django_language"] = "en"
    english = visitor.get("/", HTTP_HOST=alpha.host).content.decode()
    assert "<p>Hello, neighbours!</p>\n\n<p>We shop on Tuesdays.</p>" in english
    assert standard not in english
    # No Spanish welcome: Spanish visitors read the default language's.
    save(client, alpha, django_capture_on_commit_callbacks,
         welcome_texts_en="Hello, neighbours!")
    visitor.cookies["django_language"] = "es"
    assert "Hello, neighbours!" in visitor.get("/", HTTP_HOST=alpha.host).content.decode()
    assert "mailto:" not in visitor.get("/", HTTP_HOST=alpha.host).content.decode()
    # None at all: the standard sentence (in the page's language).
    save(client, alpha, django_capture_on_commit_callbacks)
    visitor.cookies["django_language"] = "en"
    assert standard in visitor.get("/", HTTP_HOST=alpha.host).content.decode()
    assert Group.objects.get(schema_name="alpha").welcome_texts == {}


def test_the_group_name_changes_on_its_pages(client, alpha, beta,
                                             django_capture_on_commit_callbacks):
    login(client, alpha, alpha.admin_email)
    assert save(client, alpha, django_capture_on_commit_callbacks,
                name="Riverside Helpers").status_code == 302
    assert "Riverside Helpers" in client.get("/", HTTP_HOST=alpha.host).content.decode()
    elsewhere = client.__class__()  # the test client would send alpha's cookie to beta
    assert "Riverside Helpers" not in elsewhere.get("/", HTTP_HOST=beta.host).content.decode()
    assert save(client, alpha, django_capture_on_commit_callbacks,
                name="  ").status_code == 400
    assert Group.objects.get(schema_name="alpha").name == "Riverside Helpers"
    assert audit(alpha) == [(alpha.admin_email, ["name"])]


@pytest.mark.parametrize("role", ["coordinator", "volunteer"])
def test_only_admins_change_the_branding(client, alpha, local_documents, role):
    login(client, alpha, getattr(alpha, f"{role}_email"))
    before = row(alpha)
    assert client.get("/setup/branding/", HTTP_HOST=alpha.host).status_code == 403
    response = client.post("/setup/branding/", {
        "name": "Hijacked", "accent": "#000000", "logo": SimpleUploadedFile("l.png", png())},
        HTTP_HOST=alpha.host)
    assert response.status_code == 403
    assert row(alpha) == before
    assert files(local_documents) == []
    assert audit(alpha) == []
