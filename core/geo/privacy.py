"""Field levels of geography (see core/privacy/registry.py): open data, nobody's in particular."""

from core.geo.models import PostcodeCentroid
from core.privacy.registry import declare

declare(PostcodeCentroid, public=["id", "country", "postcode", "lat", "lng", "h3_cell"])
