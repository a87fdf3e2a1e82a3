"""Production refuses to start without its secrets; development needs none."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def load_settings(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import mutualaid.settings as s; print(s.PLATFORM_DOMAIN)"],
        cwd=REPO, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{REPO}:{REPO / 'platform'}", **env},
    )


def test_production_without_secrets_refuses_to_start():
    result = load_settings(DJANGO_ENV="production", DATABASE_URL="postgresql://x@localhost/x")
    assert result.returncode != 0
    assert "production needs these environment variables" in result.stderr
    assert "SECRET_KEY" in result.stderr and "REDIS_URL" in result.stderr


def test_production_with_its_settings_starts():
    result = load_settings(
        DJANGO_ENV="production", SECRET_KEY="s" * 50, DATABASE_URL="postgresql://x@db/x",
        REDIS_URL="redis://cache:6379/0", PLATFORM_DOMAIN="mutualaid.example",
        AWS_STORAGE_BUCKET_NAME="mutualaid-documents",
        VETTING_CREDENTIALS_KEY="k" * 50,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "mutualaid.example"


def test_an_email_provider_is_chosen_by_setting():
    result = subprocess.run(
        [sys.executable, "-c",
         "import django; django.setup(); from django.core.mail import get_connection; "
         "from django.conf import settings; c = get_connection(); "
         "print(type(c).__module__, settings.ANYMAIL['POSTMARK_SERVER_TOKEN'])"],
        cwd=REPO, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{REPO}:{REPO / 'platform'}",
             "DJANGO_SETTINGS_MODULE": "mutualaid.settings",
             "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
             "ANYMAIL": '{"POSTMARK_SERVER_TOKEN": "test-token"}'},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["anymail.backends.postmark", "test-token"]


def test_production_keeps_documents_on_s3_and_needs_its_bucket():
    production = dict(
        DJANGO_ENV="production", SECRET_KEY="s" * 50, DATABASE_URL="postgresql://x@db/x",
        REDIS_URL="redis://cache:6379/0", PLATFORM_DOMAIN="mutualaid.example",
        VETTING_CREDENTIALS_KEY="k" * 44,
    )
    result = load_settings(**production)
    assert result.returncode != 0 and "AWS_STORAGE_BUCKET_NAME" in result.stderr
    result = subprocess.run(
        [sys.executable, "-c", "import mutualaid.settings as s; "
         "print(s.STORAGES['documents']['BACKEND'], s.STORAGES['documents']['OPTIONS'])"],
        cwd=REPO, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{REPO}:{REPO / 'platform'}",
             **production, "AWS_STORAGE_BUCKET_NAME": "docs"},
    )
    assert result.returncode == 0, result.stderr
    backend, options = result.stdout.split(" ", 1)
    assert backend == "core.documents.storage.GroupS3Storage"
    assert "'default_acl': 'private'" in options and "'querystring_auth': True" in options
    assert "'querystring_expire': 60" in options and "'bucket_name': 'docs'" in options
