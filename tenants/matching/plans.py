"""Auto-assign plans, computed by a Celery task and kept in the cache (whose keys carry the
group's schema) while the coordinator looks at them: state, then pairs and reasons."""

from __future__ import annotations

import uuid

from django.core.cache import cache

LOADING, SOLVING, DONE, FAILED = "loading", "solving", "done", "failed"
KEEP_SECONDS = 30 * 60


def _key(plan_id: str) -> str:
    return f"autoassign-plan:{plan_id}"


def start() -> str:
    from tenants.matching.tasks import make_plan

    plan_id = uuid.uuid4().hex
    save(plan_id, {"state": LOADING})
    make_plan.delay(plan_id)
    return plan_id


def save(plan_id: str, plan: dict) -> None:
    cache.set(_key(plan_id), plan, KEEP_SECONDS)


def load(plan_id: str) -> dict | None:
    try:
        uuid.UUID(hex=plan_id)
    except ValueError:
        return None
    return cache.get(_key(plan_id))


def forget(plan_id: str) -> None:
    cache.delete(_key(plan_id))
