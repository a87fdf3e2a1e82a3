"""Provider credentials encrypted at rest (Fernet: AES-128-CBC with an HMAC-SHA256 tag).

The key comes from settings.VETTING_CREDENTIALS_KEY: any long random string, or several
separated by commas to rotate (the first encrypts, every one decrypts). Each string is
hashed to a Fernet key, so operators never have to produce Fernet's exact key format.
"""

from __future__ import annotations

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class CredentialsUnreadable(RuntimeError):
    """Stored credentials do not decrypt with any configured key (the key was changed)."""


def _fernet() -> MultiFernet:
    secrets = [s.strip() for s in settings.VETTING_CREDENTIALS_KEY.split(",") if s.strip()]
    if not secrets:
        raise CredentialsUnreadable("VETTING_CREDENTIALS_KEY is empty")
    return MultiFernet([
        Fernet(base64.urlsafe_b64encode(hashlib.sha256(s.encode()).digest())) for s in secrets
    ])


def encrypt(value: dict) -> str:
    return _fernet().encrypt(json.dumps(value, sort_keys=True).encode()).decode()


def decrypt(token: str) -> dict:
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken:
        raise CredentialsUnreadable(
            "vetting credentials do not decrypt: was VETTING_CREDENTIALS_KEY changed "
            "without keeping the old key after a comma?") from None


def rotate(token: str) -> str:
    """The same credentials under the first (newest) key."""
    return _fernet().rotate(token.encode()).decode()
