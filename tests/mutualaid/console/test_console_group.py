"""A group's console page: usage counted in the group's schema by its usage task (in-process
here, and once through a real worker), billing from the entitlement snapshot, domains, the
schema's migration state and its recent failed tasks."""

import time
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from core.accounts.models import User
from core.tenancy import blueprint
from core.tenancy.models import Group
from core.tenancy.tasks import SCHEMA_HEADER, fan_out
from mutualaid.console.models import GroupUsage, TaskFailure
from mutualaid.console.tasks import collect_group_usage, collect_usage
from tenants.requests.models import RequestType
from tenants.requests.services import advance, submit_request

PLATFORM = {"HTTP_HOST": "localhost"}


def some_requests(slug: str, *, assigned: int, waiting: int) -> None:
    """Requests in the group made through its services: some assigned to its volunteer."""
    connection.set_tenant(Group.objects.get(schema_name=slug))
    try:
        coordinator = User.objects.get(role="coordinator")
        volunteer = User.objects.get(role="volunteer")
        for i in range(assigned + waiting):
            request, _ = submit_request(
                fields={"type": RequestType.objects.get(code="shopping"),
                        "description": "Milk and bread", "person_name": f"Person {i}"},
                submission_key=uuid.uuid4(), channel="phone", logged_by=coordinator)
            if i < assigned:
                advance(request_id=request.pk, step="open", actor=coordinator)
                advance(request_id=request.pk, step="assign", actor=coordinator,
                        volunteer=volunteer)
    finally:
        connection.set_schema_to_public()


@pytest.mark.django_db
def test_the_usage_task_counts_in_the_group_and_the_page_shows_it(ops, alpha, beta):
    some_requests("alpha", assigned=2, waiting=1)
    sent = collect_usage()  # the dispatcher; tasks run in-process (no broker in tests)
    assert sent == Group.objects.count()
    assert connection.schema_name == "public"
    usage = GroupUsage.objects.get(group__schema_name="alpha")
    assert (usage.requests_week, usage.requests_total) == (3, 3)
    assert (usage.volunteers_week, usage.volunteers_total, usage.members) == (1, 0, 3)
    assert usage.storage_bytes > 0 and usage.last_activity_at is not None
    assert usage.schema_fingerprint == blueprint.current_fingerprint()
    assert GroupUsage.objects.get(group__schema_name="beta").requests_total == 0

    page = ops.get("/operators/groups/alpha/", **PLATFORM)
    assert page.status_code == 200
    assert page.context["page"].usage == usage
    html = page.content.decode()
    assert "<td>3</td><td>3</td>" in html  # requests this week, in total
    assert "Up to date" in html and "alpha.localhost" in html


@pytest.mark.django_db
def test_the_page_shows_billing_state_from_the_entitlements_snapshot(ops, alpha):
    Group.objects.filter(schema_name="alpha").update(entitlements={
        "plan": "community", "state": "past_due", "past_due": True, "read_only": False,
        "grace_ends": "2026-12-05T00:00:00+00:00", "limits": {"active_volunteers": 100}})
    page = ops.get("/operators/groups/alpha/", **PLATFORM)
    billing = page.context["page"].billing
    assert (billing["plan"], billing["state"], billing["past_due"]) == ("community", "past_due",
                                                                        True)
    html = page.content.decode()
    assert "community" in html and "Past due" in html and "2026-12-05" in html
    assert "Not counted yet" in html  # no usage row yet, and no group schema was read


@pytest.mark.django_db
def test_failed_group_tasks_are_the_pages_recent_errors(ops, alpha, monkeypatch):
    from mutualaid.console import usage

    def broken(**_):
        raise ValueError("something broke")

    monkeypatch.setattr(usage, "measure", broken)
    # As a worker runs it (in-process runs re-raise before Celery's failure signal).
    result = collect_group_usage.apply(headers={SCHEMA_HEADER: "alpha"}, throw=False)
    assert result.state == "FAILURE"
    failure = TaskFailure.objects.get()
    assert (failure.schema_name, failure.task_name, failure.error) == (
        "alpha", "console.collect_group_usage", "ValueError")
    assert ops.get("/operators/groups/alpha/", **PLATFORM).context["page"].recent_errors == 1
    assert ops.get("/operators/groups/beta/", **PLATFORM).context["page"].recent_errors == 0


@pytest.mark.django_db
def test_an_unknown_group_is_a_404(ops):
    assert ops.get("/operators/groups/no-such-group/", **PLATFORM).status_code == 404


@pytest.mark.committed
def test_a_real_worker_writes_each_groups_usage_to_public(celery_worker, alpha, beta):
    try:
        ids = fan_out(collect_group_usage, groups=["alpha", "beta"])
        results = [celery_worker.AsyncResult(i).get(timeout=60) for i in ids]
        assert sorted(r["schema"] for r in results) == ["alpha", "beta"]
        rows = GroupUsage.objects.filter(group__schema_name__in=["alpha", "beta"])
        assert {r.group.schema_name: r.members for r in rows} == {"alpha": 3, "beta": 3}
        assert all(r.collected_at <= timezone.now() for r in rows)
        # A task that fails in the worker is counted for its group.
        failed = collect_group_usage.apply_async(group="no-such-group")
        with pytest.raises(Exception):
            failed.get(timeout=60)
        # Celery stores the result, then signals the failure: wait for the row.
        deadline = time.monotonic() + 30
        while not TaskFailure.objects.filter(schema_name="no-such-group").exists():
            assert time.monotonic() < deadline, "the failure was never recorded"
            time.sleep(0.1)
    finally:
        GroupUsage.objects.filter(group__schema_name__in=["alpha", "beta"]).delete()
        TaskFailure.objects.filter(schema_name="no-such-group").delete()
