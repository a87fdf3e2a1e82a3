"""A real PgBouncer in front of the test database, for the connection pooling tests.

One pgbouncer process per run, on a free loopback port, with two pools on the test
database, each of ONE server connection, so any two clients of a pool share one PostgreSQL
backend:
- `session`: deploy/pgbouncer/pgbouncer.ini as shipped (session pooling), only its
  listener, login and databases replaced;
- `transaction`: transaction pooling, the configuration the tests show to be unsafe with
  django-tenants (it sets the search path once per connection, not per transaction).

PgBouncer is a Debian package that `make test` installs as root (deploy/dev/system-deps.sh).
Without it the tests that need it fail, with the reason: the proof that pooling never
serves a group another group's rows is not optional.
"""

from __future__ import annotations

import configparser
import copy
import os
import pwd
import shutil
import socket
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.testing.processes import start_and_wait_for

POOLS = ("session", "transaction")
SHIPPED_CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "pgbouncer" / "pgbouncer.ini"


@dataclass
class PgBouncer:
    port: int
    upstream: dict  # the test database's Django settings

    def settings(self, pool: str, **overrides) -> dict:
        """A Django DATABASES entry that reaches the test database through `pool`."""
        assert pool in POOLS, pool
        entry = copy.deepcopy(self.upstream)
        entry["OPTIONS"] = {
            k: v for k, v in entry["OPTIONS"].items() if k not in ("host", "hostaddr", "port")
        }
        entry.update(HOST="127.0.0.1", PORT=str(self.port), NAME=pool, CONN_MAX_AGE=0,
                     CONN_HEALTH_CHECKS=False, **overrides)
        return entry

    def dsn(self, pool: str) -> str:
        """A libpq connection string to `pool`, for a client that is not Django."""
        return f"host=127.0.0.1 port={self.port} dbname={pool} user={self.upstream['USER']}"

    @contextmanager
    def aliases(self, pool: str, *names: str):
        """Register `names` as database aliases through `pool` (thread-local connections, as
        for `default`); closed and removed afterwards."""
        from django.db import connections

        for name in names:
            connections.settings[name] = self.settings(pool)
        try:
            yield names
        finally:
            for name in names:
                connections[name].close()
                del connections[name]
                del connections.settings[name]


def pgbouncer_binary() -> str | None:
    return shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin:/usr/bin")


@pytest.fixture(scope="session")
def pgbouncer(django_db_setup):
    """PgBouncer on a free loopback port with a `session` and a `transaction` pool of one
    server connection each, in front of the test database."""
    from django.db import connection

    binary = pgbouncer_binary()
    if binary is None:
        pytest.fail(
            "PgBouncer is not installed, and the pooling proof needs a real one: `make test` "
            "installs Debian's pgbouncer as root (deploy/dev/system-deps.sh); elsewhere run "
            "`apt-get install pgbouncer`."
        )
    upstream = copy.deepcopy(connection.settings_dict)
    workdir = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    port = _free_port()
    run_as = _unprivileged_user(_upstream_host(upstream))
    _write_config(workdir, port, upstream)
    command = [binary, str(workdir / "pgbouncer.ini")]
    if run_as:  # pgbouncer refuses to run as root
        for path in [workdir, *workdir.iterdir()]:
            shutil.chown(path, user=run_as)
        command[1:1] = ["-u", run_as]
    try:
        proc = start_and_wait_for(command, "listening on", log=workdir / "stderr.log",
                                  seconds=15, cwd=workdir)
    except RuntimeError as failed:
        shutil.rmtree(workdir, ignore_errors=True)
        pytest.fail(str(failed))
    try:
        yield PgBouncer(port=port, upstream=upstream)
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)


def _upstream_host(settings_dict: dict) -> str:
    return settings_dict["HOST"] or settings_dict["OPTIONS"].get("host") or "127.0.0.1"


def _write_config(workdir: Path, port: int, upstream: dict) -> None:
    """deploy/pgbouncer/pgbouncer.ini with the test's own listener, login and databases: the
    `session` pool takes the shipped pool mode, `transaction` overrides it."""
    shipped = configparser.RawConfigParser()
    shipped.read(SHIPPED_CONFIG)
    options = dict(shipped["pgbouncer"])
    options.update(
        listen_addr="127.0.0.1", listen_port=str(port), unix_socket_dir="",
        auth_type="trust", auth_file=str(workdir / "userlist.txt"), admin_users="",
        stats_users="", reserve_pool_size="0",  # one server connection means one
        server_lifetime="3600", server_idle_timeout="3600",  # the same one all test long
        log_connections="0", log_disconnections="0",
    )
    host = _upstream_host(upstream)
    upstream_port = upstream["PORT"] or upstream["OPTIONS"].get("port") or "5432"
    target = f"host={host} port={upstream_port} dbname={upstream['NAME']} user={upstream['USER']}"
    if upstream["PASSWORD"]:
        target += f" password={upstream['PASSWORD']}"
    databases = {"session": f"{target} pool_size=1",
                 "transaction": f"{target} pool_size=1 pool_mode=transaction"}
    (workdir / "userlist.txt").write_text(f'"{upstream["USER"]}" ""\n')
    (workdir / "pgbouncer.ini").write_text("\n".join([
        "[databases]", *(f"{k} = {v}" for k, v in databases.items()),
        "[pgbouncer]", *(f"{k} = {v}" for k, v in options.items()),
    ]) + "\n")


def _unprivileged_user(host: str) -> str | None:
    """Who pgbouncer runs as when we are root: the owner of the PostgreSQL socket directory
    (the embedded server's is private to its user), else nobody."""
    if os.geteuid() != 0:
        return None
    if host.startswith("/"):
        owner = pwd.getpwuid(os.stat(host).st_uid).pw_name
        if owner != "root":
            return owner
    return "nobody"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
