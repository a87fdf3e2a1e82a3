"""`make loadtest`'s whole path, small: the runner seeds 3 groups (1 busy) into the test
database, starts redis-server, gunicorn and a Celery worker on production settings, runs
Locust (every kind of user, the one-group run and the spread run), cleans up and writes the
report. Figures are not judged here (timings belong to the run's report), only that every
request got what a person would have seen and the report holds what it must."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core.local_services import database_url
from core.tenancy.models import Group

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.committed


@pytest.fixture
def sample_postcodes():
    """The runner loads the sample postcode table; leave it as it was."""
    from core.geo.models import PostcodeCentroid

    had = PostcodeCentroid.objects.exists()
    yield
    if not had:
        PostcodeCentroid.objects.all().delete()


def test_a_small_load_test_runs_end_to_end(tmp_path, sample_postcodes, redis_server):
    done = subprocess.run(
        [sys.executable, str(REPO / "loadtests" / "loadtest.py"), "--groups", "3",
         "--data-groups", "1", "--users", "5", "--duration", "6", "--warmup", "0", "--rounds", "1",
         "--label", "smoke", "--no-migrate", "--database-url",
         database_url(connection.settings_dict), "--results", str(tmp_path / "results"),
         "--run-dir", str(tmp_path / "run")],
        cwd=REPO, capture_output=True, text=True, timeout=240,
        env={**os.environ, "LOADTEST_WAIT": "0.2,0.5", "LOADTEST_SIGNUP_EVERY": "3",
             "LOADTEST_REDIS_URL": redis_server.url,
             # The worker tops the schema pool up to this: the size the other tests expect.
             "SCHEMA_POOL_SIZE": str(settings.SCHEMA_POOL_SIZE)},
    )
    assert done.returncode == 0, done.stderr[-3000:]

    line = json.loads(done.stdout.strip().splitlines()[-1])
    [saved] = (tmp_path / "results").glob("*-loadtest-smoke.json")
    report = json.loads(saved.read_text())
    assert {k: report[k] for k in line} == line
    for key in ("groups", "users", "duration_s", "rps", "failures", "nearby_p95_ms",
                "request_form_p95_ms", "tenancy_overhead_ratio", "endpoints"):
        assert key in report, key
    assert (report["groups"], report["users"], report["duration_s"]) == (3, 5, 6)
    assert report["failures"] == 0, report["failure_messages"] + \
        report["one_group"]["failure_messages"]
    assert report["rps"] > 0 and report["tenancy_overhead_ratio"] > 0
    # The people got through their pages (over both runs: a few seconds each, a busy machine).
    both = [report["endpoints"], report["one_group"]["endpoints"]]
    for name in ("ask: send", "nearby: list", "sign in: send", "signup: setup checklist"):
        assert sum(e.get(name, {}).get("requests", 0) for e in both) > 0, name
    for name, figures in report["endpoints"].items():
        assert set(figures) == {"requests", "rps", "p50_ms", "p95_ms", "p99_ms", "mean_ms",
                                "failures"}, name
    # What the load test added is gone: visitors' requests and signed-up groups.
    assert not Group.objects.filter(schema_name__startswith="lt-").exists()
    rounds = report["cleanup"].values()
    assert sum(r["signup_groups_dropped"] for r in rounds) >= 1
    assert sum(r["visitor_requests_removed"] for r in rounds) >= 1
