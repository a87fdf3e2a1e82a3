"""Scheduled work on the group's records."""

from __future__ import annotations

from core.tenancy.tasks import group_task


@group_task(name="records.apply_retention")
def apply_retention() -> dict:
    """Erase what the group's retention policy says is due (fanned out daily to every group
    by tenancy.dispatch_to_groups; see CELERY_BEAT_SCHEDULE)."""
    from tenants.records.services import apply_retention as apply

    run = apply()
    return {"requests": run.requests, "volunteers": run.volunteers}
