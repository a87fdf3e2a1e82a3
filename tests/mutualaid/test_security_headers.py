"""Security headers and the Content Security Policy are on every page: the platform's, a
group's, and the error pages (unknown host, not found, forbidden)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.security.csp import tile_source
from core.testing.people import PASSWORD

REPO = Path(__file__).resolve().parents[2]


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";"))}


def assert_secure(response) -> dict[str, list[str]]:
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:", "https://tile.openstreetmap.org"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # development, plain HTTP
    return csp


@pytest.mark.django_db
@pytest.mark.parametrize("host, path, status", [
    ("localhost", "/accounts/login/", 200),
    ("alpha.localhost", "/", 200),
    ("alpha.localhost", "/ask/", 200),
    ("alpha.localhost", "/accounts/login/", 200),
    ("alpha.localhost", "/no-such-page/", 404),
    ("nosuchgroup.localhost", "/", 404),  # answered by routing, before any view
])
def test_every_page_carries_the_policy(client, alpha, host, path, status):
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == status
    assert assert_secure(response)["form-action"] == ["'self'"]


@pytest.mark.django_db
def test_forbidden_page_carries_the_policy(client, alpha):
    client.post("/accounts/login/", {"login": alpha.volunteer_email, "password": PASSWORD},
                HTTP_HOST=alpha.host)
    response = client.get("/setup/", HTTP_HOST=alpha.host)
    assert response.status_code == 403
    assert_secure(response)


@pytest.mark.django_db
def test_signup_may_hand_over_to_group_hosts_only(client):
    # The signup form's answer redirects to http://<slug>.localhost:<port>/welcome/...
    response = client.get("/", HTTP_HOST="localhost")
    assert assert_secure(response)["form-action"] == ["'self'", "*.localhost:*"]


def test_tile_source_from_the_tile_url():
    assert tile_source("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == \
        "https://tile.openstreetmap.org"
    assert tile_source("https://{s}.tiles.example.org:8443/a/{z}/{x}/{y}.png?k=1") == \
        "https://*.tiles.example.org:8443"


def test_production_sends_hsts_for_the_platform_and_its_group_subdomains():
    result = subprocess.run(
        [sys.executable, "-c", "import mutualaid.settings as s; "
         "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"],
        cwd=REPO, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{REPO}:{REPO / 'platform'}",
             "DJANGO_ENV": "production", "SECRET_KEY": "s" * 50,
             "DATABASE_URL": "postgresql://x@db/x", "REDIS_URL": "redis://cache:6379/0",
             "PLATFORM_DOMAIN": "mutualaid.example",
             # what production needs of other areas (vetting, documents)
             "VETTING_CREDENTIALS_KEY": "k" * 32, "AWS_STORAGE_BUCKET_NAME": "docs"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["31536000", "True"]
