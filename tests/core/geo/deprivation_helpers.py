"""Shared by the deprivation tests: loading through the command, snapshots, GeoJSON files."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command

from core.geo.models import DeprivationArea, DeprivationCell, DeprivationDataset


def load(*args) -> str:
    out = StringIO()
    call_command("load_deprivation", *args, stdout=out)
    return out.getvalue()


def snapshot() -> tuple:
    """Everything the loader writes, comparable before and after."""
    return (
        list(DeprivationDataset.objects.order_by("pk").values_list(
            "pk", "name", "country", "year", "resolution", "source")),
        list(DeprivationArea.objects.order_by("pk").values_list(
            "pk", "dataset_id", "code", "name", "decile", "score", "rank")),
        sorted(DeprivationCell.objects.values_list("dataset_id", "area_id", "cell")),
    )


def write_geojson(path, features: list[dict], **extra) -> str:
    path.write_text(json.dumps({"type": "FeatureCollection", **extra, "features": features}),
                    encoding="utf-8")
    return str(path)


def feature(properties: dict, geometry: dict) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def box(west: float, south: float, east: float, north: float,
        holes: list[list] = ()) -> dict:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring, *holes]}
