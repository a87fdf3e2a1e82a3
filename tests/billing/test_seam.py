"""Billing behind one seam: one module imports stripe."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_only_billing_stripe_api_imports_stripe():
    importers = []
    for folder in ("billing", "core", "tenants", "platform"):
        for path in (REPO / folder).rglob("*.py"):
            if re.search(r"^\s*(import stripe\b|from stripe\b)", path.read_text(), re.M):
                importers.append(str(path.relative_to(REPO)))
    assert importers == ["billing/stripe_api.py"]


def test_the_api_version_is_pinned_to_a_dated_version():
    from billing.stripe_api import API_VERSION

    assert re.fullmatch(r"\d{4}-\d\d-\d\d(\.\w+)?", API_VERSION)
