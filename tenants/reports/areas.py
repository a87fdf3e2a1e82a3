"""Area cells named for people: how far and which way from the group's map centre ("2.1 km
north-east"), rather than an h3 id; and their outlines for the map. A cell is never a point."""

from __future__ import annotations

import math

from django.db import connection
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.geo.cells import describe_cell, distance_km

_DIRECTIONS = [gettext_lazy("north"), gettext_lazy("north-east"), gettext_lazy("east"),
               gettext_lazy("south-east"), gettext_lazy("south"), gettext_lazy("south-west"),
               gettext_lazy("west"), gettext_lazy("north-west")]


def label(cell: str) -> str:
    if not cell:
        return _("Place not known yet")
    group = connection.tenant
    centre = (group.map_center_lat, group.map_center_lng)
    middle = describe_cell(cell).centre
    km = distance_km(centre, middle)
    if km < 0.5:
        return _("The centre")
    # Bearing on a local flat projection: fine at a city's scale.
    north = middle[0] - centre[0]
    east = (middle[1] - centre[1]) * math.cos(math.radians(centre[0]))
    octant = round(math.degrees(math.atan2(east, north)) / 45) % 8
    return _("%(km)s km %(direction)s") % {"km": number_format(km, 1), "direction": _DIRECTIONS[octant]}


def outline(cell: str) -> list[list[float]]:
    return [[round(lat, 6), round(lng, 6)] for lat, lng in describe_cell(cell).boundary]
