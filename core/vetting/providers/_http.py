"""JSON over HTTP for the adapters (requests), with errors a coordinator can read."""

from __future__ import annotations

import hashlib
import hmac

import requests
from django.conf import settings
from django.utils.translation import gettext as _

from core.vetting.providers.base import ProviderError


def call(method: str, url: str, **kwargs) -> dict:
    """The decoded JSON answer; ProviderError for a network failure or a non-2xx answer."""
    kwargs.setdefault("timeout", settings.VETTING_HTTP_TIMEOUT)
    headers = {"Accept": "application/json", **kwargs.pop("headers", {})}
    try:
        response = requests.request(method, url, headers=headers, **kwargs)
    except requests.RequestException:
        raise ProviderError(_("The vetting provider could not be reached. Try again later.")) \
            from None
    if response.status_code in (401, 403):
        raise ProviderError(_("The vetting provider refused this group's credentials."))
    if not response.ok:
        raise ProviderError(_("The vetting provider answered with an error (%(status)s).")
                            % {"status": response.status_code})
    try:
        return response.json()
    except ValueError:
        raise ProviderError(_("The vetting provider's answer could not be read.")) from None


def hmac_sha256_hex(key: str, body: bytes) -> str:
    return hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


def same(expected: str, given: str | None) -> bool:
    """Constant-time comparison (a timing leak would let someone forge signatures)."""
    return bool(given) and hmac.compare_digest(expected.encode(), given.strip().encode())
