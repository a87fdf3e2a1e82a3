"""Provider credentials encrypted at rest, with key rotation."""

import pytest

from core.vetting import crypto


def test_credentials_round_trip_and_are_not_readable(settings):
    settings.VETTING_CREDENTIALS_KEY = "a-long-random-test-key"
    token = crypto.encrypt({"api_key": "sk_live_secret"})
    assert "sk_live_secret" not in token and "api_key" not in token
    assert crypto.decrypt(token) == {"api_key": "sk_live_secret"}


def test_a_new_key_first_still_reads_the_old_and_rotates(settings):
    settings.VETTING_CREDENTIALS_KEY = "old-key"
    old = crypto.encrypt({"api_key": "k"})
    settings.VETTING_CREDENTIALS_KEY = "new-key,old-key"
    assert crypto.decrypt(old) == {"api_key": "k"}
    rotated = crypto.rotate(old)
    settings.VETTING_CREDENTIALS_KEY = "new-key"
    assert crypto.decrypt(rotated) == {"api_key": "k"}
    with pytest.raises(crypto.CredentialsUnreadable):
        crypto.decrypt(old)


def test_production_refuses_to_start_without_a_credentials_key():
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "-c", "import mutualaid.settings"], cwd=repo, capture_output=True,
        text=True, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{repo}:{repo / 'platform'}",
                        "DJANGO_ENV": "production", "SECRET_KEY": "s" * 50,
                        "DATABASE_URL": "postgresql://x@db/x", "REDIS_URL": "redis://c:6379/0",
                        "PLATFORM_DOMAIN": "mutualaid.example"},
    )
    assert result.returncode != 0 and "VETTING_CREDENTIALS_KEY" in result.stderr
