"""Field levels of geography (see core/privacy/registry.py): open data, nobody's in particular."""

from core.geo.models import DeprivationArea, DeprivationCell, DeprivationDataset, PostcodeCentroid
from core.privacy.registry import declare

declare(PostcodeCentroid, public=["id", "country", "postcode", "lat", "lng", "h3_cell"])
declare(DeprivationDataset, public=["id", "name", "title", "country", "year", "source",
                                    "resolution", "loaded_at"])
declare(DeprivationArea, public=["id", "dataset", "code", "name", "decile", "score", "rank"])
declare(DeprivationCell, public=["id", "dataset", "area", "cell"])
