"""Synthetic data and the database set-up the benchmarks share."""

from __future__ import annotations

import datetime


def timeline(rng, status: str, created, now, *, max_step_hours: float) -> list[tuple]:
    """(from, to, at) steps that led a request to `status`, in order, none in the future,
    each 0.2 to `max_step_hours` hours after the one before."""
    steps = [("", "new")]
    if status != "new":
        steps.append(("new", "open"))
    taken = "claimed" if rng.random() < 0.6 else "assigned"
    if status in ("claimed", "assigned"):
        steps.append(("open", status))
    elif status in ("in_progress", "done"):
        steps += [("open", taken), (taken, "in_progress")]
        if status == "done":
            steps.append(("in_progress", "done"))
    elif status in ("cancelled", "could_not_help"):
        steps.append(("open", status))
    at, out = created, []
    for before, after in steps:
        out.append((before, after, at))
        at = min(now, at + datetime.timedelta(hours=float(rng.uniform(0.2, max_step_hours))))
    return out


def setup_django(database: str) -> str:
    """Django on a benchmark's own database, `mutualaid_bench_<database>` on the embedded
    server (created if missing) or BENCH_<DATABASE>_DATABASE_URL, timing the code: no query
    log, one group provisioned once (no pool of spare schemas)."""
    import os

    from core.local_services import embedded_database_url

    url = os.environ.get(f"BENCH_{database.upper()}_DATABASE_URL") \
        or embedded_database_url(f"mutualaid_bench_{database}")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualaid.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SCHEMA_POOL_SIZE", "0")
    import django

    django.setup()
    return url
