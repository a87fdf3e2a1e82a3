"""Field levels of the open data table (see core/privacy/registry.py). Its rows are counts,
published only across groups and above k (selectors.py); which group a row came from is for
operators."""

from core.privacy.registry import declare
from mutualaid.opendata.models import WeeklyCount

declare(WeeklyCount, public=["id", "week", "type_code", "area", "requests"],
        restricted=["group", "collected_at"])
