"""Development's stand-in for presigned URLs: a link to `core.documents.views.serve` holding
the key and its lifetime, signed (TimestampSigner) with the group's schema in the salt, so it
opens one file, on that group's host only, until it expires."""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.db import connection
from django.urls import reverse


@dataclass(frozen=True)
class Link:
    key: str
    filename: str
    content_type: str


def _signer(schema_name: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"core.documents:{schema_name}")


def make_link(*, key: str, filename: str, content_type: str, lifetime: int) -> str:
    token = _signer(connection.schema_name).sign_object(
        {"k": key, "n": filename, "t": content_type, "l": lifetime}, compress=True)
    return reverse("document_file", args=[token])


def read_link(token: str) -> Link | None:
    """The link's file, or None when the token is forged, from another group or expired."""
    signer = _signer(connection.schema_name)
    try:
        data = signer.unsign_object(token)  # genuine, and made for this group
        signer.unsign(token, max_age=data["l"])  # and still fresh
    except (signing.BadSignature, KeyError, TypeError):  # SignatureExpired is a BadSignature
        return None
    return Link(key=data["k"], filename=data["n"], content_type=data["t"])
