"""One way to turn what people type (a postcode, maybe an address) into a location.

Callers get a GeocodeResult or a GeocodeFailure, never an exception: a request whose place
cannot be found is still saved, the failure's message is shown, and a coordinator sets the
location later. Nothing is lost because a lookup failed.

Order: the offline postcode table first (fast, free, nothing leaves the server); then, only
when GEOCODER_NOMINATIM_ENABLED is true, Nominatim through geopy. Enabling it sends what was
typed (possibly a vulnerable person's address) to that server: point GEOCODER_NOMINATIM_DOMAIN
at your own instance for real use, and mind the public server's usage policy (1 request a
second, an identifying user agent). Its answers are cached for a day.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import ClassVar

from django.conf import settings
from django.core.cache import cache
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from geopy.exc import GeopyError
from geopy.adapters import URLLibAdapter
from geopy.geocoders import Nominatim

from core.geo.cells import cell_for
from core.geo.postcodes import normalise, normalise_country
from core.geo.selectors import find_centroid

logger = logging.getLogger(__name__)

CACHE_SECONDS = 24 * 60 * 60
# Nominatim's place_rank: 26-27 a street, 28-30 a house, building or point of interest.
STREET_RANK = 26


class Source(StrEnum):
    POSTCODE_TABLE = "postcode-table"
    NOMINATIM = "nominatim"


class Precision(StrEnum):
    ADDRESS = "address"  # a street or finer
    POSTCODE = "postcode"  # a postcode's centroid
    AREA = "area"  # something bigger (a town, a district): a coordinator should check


class Reason(StrEnum):
    NOTHING_GIVEN = "nothing-given"
    INVALID_POSTCODE = "invalid-postcode"
    UNKNOWN_POSTCODE = "unknown-postcode"
    UNKNOWN_ADDRESS = "unknown-address"
    UNAVAILABLE = "unavailable"


MESSAGES = {
    Reason.NOTHING_GIVEN: _(
        "No postcode or address was given. The request is kept and a coordinator can set "
        "the location."
    ),
    Reason.INVALID_POSTCODE: _(
        "This does not look like a postcode. The request is kept and a coordinator can set "
        "the location."
    ),
    Reason.UNKNOWN_POSTCODE: _(
        "We could not find this postcode. The request is kept and a coordinator can set the "
        "location."
    ),
    Reason.UNKNOWN_ADDRESS: _(
        "We could not find this address. The request is kept and a coordinator can set the "
        "location."
    ),
    Reason.UNAVAILABLE: _(
        "The map service is not answering right now. The request is kept and a coordinator "
        "can set the location."
    ),
}


@dataclass(frozen=True)
class GeocodeResult:
    lat: float
    lng: float
    h3_cell: str  # at cells.STORAGE_RESOLUTION
    source: Source
    precision: Precision
    ok: ClassVar[bool] = True


@dataclass(frozen=True)
class GeocodeFailure:
    reason: Reason
    message: Promise  # lazy: rendered in the language of whoever reads it
    ok: ClassVar[bool] = False


def geocode(
    *, country: str, postcode: str = "", address: str = ""
) -> GeocodeResult | GeocodeFailure:
    """Locate a postcode and/or address in `country` (ISO 3166 alpha-2, e.g. the group's).

    Raises ValueError only for a country that is not a two-letter code (a caller's bug);
    everything about what people typed, or about the remote service, is a GeocodeFailure.
    """
    code = normalise_country(country)
    if code is None:
        raise ValueError(f"not an ISO 3166 alpha-2 country code: {country!r}")
    postcode, address = (postcode or "").strip(), (address or "").strip()
    if not postcode and not address:
        return _failure(Reason.NOTHING_GIVEN)
    normalised = normalise(code, postcode) if postcode else None
    if normalised:
        centroid = find_centroid(country=code, postcode=normalised)
        if centroid is not None:
            return GeocodeResult(
                lat=centroid.lat, lng=centroid.lng, h3_cell=centroid.h3_cell,
                source=Source.POSTCODE_TABLE, precision=Precision.POSTCODE,
            )
    if _nominatim_enabled() and (normalised or address):
        return _nominatim(code, normalised or "", address)
    if postcode and not normalised:
        return _failure(Reason.INVALID_POSTCODE)
    return _failure(Reason.UNKNOWN_POSTCODE if normalised else Reason.UNKNOWN_ADDRESS)


def _failure(reason: Reason) -> GeocodeFailure:
    return GeocodeFailure(reason=reason, message=MESSAGES[reason])


def _nominatim_enabled() -> bool:
    return bool(getattr(settings, "GEOCODER_NOMINATIM_ENABLED", False))


def _nominatim(country: str, postcode: str, address: str) -> GeocodeResult | GeocodeFailure:
    """Ask Nominatim (or its cached answer); found, not found, or not answering."""
    query: str | dict = f"{address}, {postcode}" if address and postcode else address
    if not address:
        query = {"postalcode": postcode}  # structured: only postcodes can match
    key = _cache_key(country, query)
    answer = cache.get(key)
    if answer is None:
        try:
            answer = _ask_nominatim(country, query, postcode_only=not address)
        except (GeopyError, ValueError) as exc:
            # The exception's text holds the URL, i.e. what was typed: log only its kind.
            logger.warning("nominatim lookup failed: %s", type(exc).__name__)
            return _failure(Reason.UNAVAILABLE)
        cache.set(key, answer, CACHE_SECONDS)
    if not answer["found"]:
        return _failure(Reason.UNKNOWN_ADDRESS if address else Reason.UNKNOWN_POSTCODE)
    lat, lng = answer["lat"], answer["lng"]
    return GeocodeResult(
        lat=lat, lng=lng, h3_cell=cell_for(lat, lng), source=Source.NOMINATIM,
        precision=Precision(answer["precision"]),
    )


def _ask_nominatim(country: str, query: str | dict, *, postcode_only: bool) -> dict:
    """The answer as a cacheable dict; raises GeopyError (HTTP, timeout) or ValueError (junk)."""
    location = _geocoder(*_nominatim_settings()).geocode(
        query, exactly_one=True, country_codes=country.lower()
    )
    if location is None:
        return {"found": False}
    lat, lng = float(location.latitude), float(location.longitude)
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValueError("coordinates out of range")
    precision = _precision(location.raw, postcode_only)
    return {"found": True, "lat": lat, "lng": lng, "precision": precision}


def _precision(place: dict, postcode_only: bool) -> str:
    if postcode_only:
        return Precision.POSTCODE
    try:
        rank = int(place.get("place_rank", 0))
    except (TypeError, ValueError):
        rank = 0
    return Precision.ADDRESS if rank >= STREET_RANK else Precision.AREA


def _nominatim_settings() -> tuple[str, str, str, float]:
    return (
        getattr(settings, "GEOCODER_NOMINATIM_DOMAIN", "nominatim.openstreetmap.org"),
        getattr(settings, "GEOCODER_NOMINATIM_SCHEME", "https"),
        getattr(settings, "GEOCODER_USER_AGENT", "mutual-aid-commons"),
        float(getattr(settings, "GEOCODER_NOMINATIM_TIMEOUT", 3.0)),
    )


@lru_cache(maxsize=4)
def _geocoder(domain: str, scheme: str, user_agent: str, timeout: float) -> Nominatim:
    """One client per configuration (it holds an HTTP opener and TLS context).

    The stdlib adapter, always: geopy picks requests' adapter when requests is installed,
    which retries a timed-out call twice, so one slow lookup would block three times over.
    """
    return Nominatim(domain=domain, scheme=scheme, user_agent=user_agent, timeout=timeout,
                     adapter_factory=URLLibAdapter)


def _cache_key(country: str, query: str | dict) -> str:
    """Hashed: the query may be an address, which belongs in no key listing or log."""
    domain, scheme, _agent, _timeout = _nominatim_settings()
    raw = json.dumps([scheme, domain, country, query], sort_keys=True)
    return "geo:nominatim:" + hashlib.sha256(raw.encode()).hexdigest()
