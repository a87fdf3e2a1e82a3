"""Postcodes in one canonical spelling, so a lookup never misses on case or spacing.

The centroid table is keyed by (country, normalised postcode), and user input, file rows and
the Nominatim fallback all go through `normalise`. It checks the *format* only: a well-formed
postcode may still not exist. Junk gives None, so a caller can say so instead of guessing.
"""

from __future__ import annotations

import re

# The Crown Dependencies use Royal Mail postcodes (and are in the ONS Postcode Directory);
# the US territories use USPS ZIP codes (and are in the Census ZCTA files).
UK_FORMAT_COUNTRIES = frozenset({"GB", "GG", "IM", "JE"})
US_FORMAT_COUNTRIES = frozenset({"US", "AS", "GU", "MP", "PR", "VI"})
COUNTRY_ALIASES = {"UK": "GB"}  # what people type; ISO 3166 says GB
MAX_LENGTH = 12  # the longest postcode we store, space included (model field length)

_COUNTRY = re.compile(r"^[A-Z]{2}$")
# Royal Mail's rules, written without the space: the outward code is an area (one or two
# letters) and a district (a digit, then maybe a digit or a letter); the inward code is a
# sector digit and two unit letters (never C I K M O V). GIR 0AA is the one historic exception.
_UK = re.compile(
    r"^(?:GIR0AA|(?:"
    r"[A-PR-UWYZ][0-9][0-9]?"  # A9, A99
    r"|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?"  # AA9, AA99
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]"  # A9A
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]"  # AA9A
    r")[0-9][ABD-HJLNP-UW-Z]{2})$"
)
_US = re.compile(r"^([0-9]{5})(?:[- ]?[0-9]{4})?$")  # ZIP or ZIP+4; we keep the ZIP
_OTHER = re.compile(r"^[A-Z0-9](?:[A-Z0-9 -]*[A-Z0-9])?$")


def normalise_country(raw: str) -> str | None:
    """ISO 3166-1 alpha-2 in upper case ("uk" -> "GB"), or None if it is not two letters."""
    code = (raw or "").strip().upper()
    code = COUNTRY_ALIASES.get(code, code)
    return code if _COUNTRY.match(code) else None


def normalise(country: str, raw: str) -> str | None:
    """The postcode as stored ("sw1a1aa" -> "SW1A 1AA", "02134-1234" -> "02134"), or None."""
    code = normalise_country(country)
    text = " ".join((raw or "").upper().split())  # trim, and collapse inner whitespace
    if code is None or not text:
        return None
    if code in UK_FORMAT_COUNTRIES:
        return _uk(text)
    if code in US_FORMAT_COUNTRIES:
        return _us(text)
    return text if 2 <= len(text) <= MAX_LENGTH and _OTHER.match(text) else None


def _uk(text: str) -> str | None:
    compact = text.replace(" ", "")
    if not _UK.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"  # the inward code is always the last three


def _us(text: str) -> str | None:
    match = _US.match(text)
    return match.group(1) if match else None


def district(country: str, postcode: str) -> str:
    """A postcode's wide area, fit to show where an address must not be: the UK outward code
    ("SW1A 1AA" -> "SW1A", thousands of addresses) or a ZIP's first three digits ("02134" ->
    "021xx"); "" for anything else (other countries' codes can be as small as a street)."""
    code = normalise_country(country)
    normal = normalise(country, postcode) if code else None
    if normal is None:
        return ""
    if code in UK_FORMAT_COUNTRIES:
        return normal.split(" ")[0] if normal != "GIR 0AA" else ""
    if code in US_FORMAT_COUNTRIES:
        return f"{normal[:3]}xx"
    return ""
