"""A group's look: its accent colour and logo, checked before anything is stored.

The accent reaches pages through `/branding/theme.css` (a tiny per-group stylesheet setting
`--accent`), not an inline style: the Content Security Policy allows styles from our own
origin only, and a stylesheet is cached by the browser where a nonce would change per page.
Both URLs carry a version, so a change shows at once and the files can be cached for long.
"""

from __future__ import annotations

import hashlib
import math
import re

from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.documents.filetypes import FileType, detect
from core.errors import Refused

LOGO_MAX_BYTES = 1024 * 1024
LOGO_TYPES = ("image/png", "image/jpeg")
MIN_CONTRAST = 4.5  # WCAG 2 AA, normal text: buttons put white text on the accent
_HEX = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def contrast_with_white(hex_colour: str) -> float:
    """WCAG contrast ratio of white on `#rrggbb` (1 to 21)."""
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)
    return 1.05 / (luminance + 0.05)


def clean_accent(value: str) -> str:
    """`#rrggbb` (lower case) from `#rgb`/`#rrggbb`, or "" for the platform's colour.
    Refused when it is not a colour or white text on it would be hard to read."""
    value = (value or "").strip()
    if not value:
        return ""
    match = _HEX.fullmatch(value)
    if not match:
        raise Refused(_("Write the colour as a hex code, like #0b5f4a."))
    digits = match.group(1).lower()
    colour = "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits)
    ratio = contrast_with_white(colour)
    if ratio < MIN_CONTRAST:
        # Rounded down: a ratio just under the line must not read as meeting it.
        shown = f"{math.floor(ratio * 100) / 100:.2f}"
        raise Refused(_(
            "White text on %(colour)s has a contrast ratio of %(ratio)s:1; buttons need at "
            "least 4.5:1 to be readable (WCAG AA). Choose a darker colour."
        ) % {"colour": colour, "ratio": shown})
    return colour


def check_logo(upload: UploadedFile) -> FileType:
    """The logo's type, told by its first bytes: PNG or JPEG, at most 1 MB."""
    if upload.size > LOGO_MAX_BYTES:
        raise Refused(_("This logo is too large: the limit is %(limit)s.")
                      % {"limit": filesizeformat(LOGO_MAX_BYTES)})
    if not upload.size:
        raise Refused(_("This file is empty."))
    found = detect(upload)
    if found is None or found.content_type not in LOGO_TYPES:
        raise Refused(_("A logo must be a PNG or JPEG image."))
    return found


def version(value: str) -> str:
    """A short token that changes when `value` (a logo key, an accent) does."""
    return hashlib.sha256(value.encode()).hexdigest()[:12]


def logo_url(group) -> str:
    return f"/branding/logo?v={version(group.brand_logo_key)}" if group.brand_logo_key else ""


def theme_url(group) -> str:
    return f"/branding/theme.css?v={version(group.brand_accent)}" if group.brand_accent else ""
