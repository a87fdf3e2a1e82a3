"""Provisioning: make a group, its host, its schema and its first admin, all or nothing.

Every step runs in one transaction, schema DDL included (PostgreSQL's DDL is
transactional), so a failure at any step leaves no schema, no Group row, no Domain and no
user. The schema usually comes ready-made from the warm pool (core.tenancy.pool).

The admin's password hash (Argon2id, deliberately ~30 ms of CPU) is the slowest part of a
signup and nothing in the signup needs it: the new admin is logged in by a one-time token.
So it is computed on another thread from the moment the form arrives and written after the
commit, off the response's path. Until then the admin's password is unusable; if the
process died in those milliseconds, "forgot password" recovers the account.
"""

from __future__ import annotations

import hashlib
import secrets
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.utils import timezone

from core.accounts.models import User
from core.tenancy import blueprint, pool, routing
from core.tenancy.fleet_migrations.models import GroupMigrationState
from core.tenancy.models import Domain, Group, LoginHandoff

HANDOFF_LIFETIME = timedelta(minutes=2)
UNUSABLE_PASSWORD = UNUSABLE_PASSWORD_PREFIX + "hashing"
HASH_TIMEOUT_S = 60  # a hash never takes this long; past it, give up rather than block
_hashing = ThreadPoolExecutor(max_workers=2, thread_name_prefix="password-hash")
_storing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="password-store")


class SlugTaken(Exception):
    """Another group has (or, in a race, has just taken) this slug."""


@dataclass(frozen=True)
class GroupSpec:
    name: str
    slug: str
    country: str
    timezone: str
    default_language: str
    map_center_lat: float
    map_center_lng: float


@dataclass(frozen=True)
class AdminSpec:
    name: str
    email: str
    password: str


@dataclass
class Provisioning:
    """What the steps build up; the outcome of `provision_group`."""

    spec: GroupSpec
    admin: AdminSpec
    password_hash: Future[str]
    group: Group | None = None
    domain: Domain | None = None
    admin_user_id: int | None = None
    login_token: str = field(default="", repr=False)
    # Set on commit: done once the admin's password hash is stored.
    password_stored: Future[None] | None = None


def create_group_row(p: Provisioning) -> None:
    s = p.spec
    p.group = Group.objects.create(
        schema_name=s.slug, name=s.name, country=s.country, timezone=s.timezone,
        default_language=s.default_language, enabled_languages=[s.default_language],
        map_center_lat=s.map_center_lat, map_center_lng=s.map_center_lng,
    )


def create_domain(p: Provisioning) -> None:
    p.domain = Domain.objects.create(
        domain=f"{p.spec.slug}.{settings.PLATFORM_DOMAIN}", tenant=p.group, is_primary=True
    )


def create_schema(p: Provisioning) -> None:
    fingerprint = pool.claim(p.spec.slug) or blueprint.build(p.spec.slug)
    # The state it was built at, so migrate_fleet knows where this group stands.
    GroupMigrationState.objects.create(group=p.group, fingerprint=fingerprint)


def create_admin(p: Provisioning) -> None:
    from allauth.account.models import EmailAddress

    connection.set_tenant(p.group)
    try:
        # The password hash is still being computed: it is stored after the commit.
        user = User.objects.create(
            email=p.admin.email.lower(), name=p.admin.name, password=UNUSABLE_PASSWORD,
            role=User.Role.ADMIN, preferred_language=p.spec.default_language,
        )
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    finally:
        connection.set_schema_to_public()
    p.admin_user_id = user.pk


def issue_login_token(p: Provisioning) -> None:
    p.login_token = issue_handoff(group=p.group, user_id=p.admin_user_id)


# The steps, in order. Tests inject a failure after each one to prove nothing is left.
STEPS = [create_group_row, create_domain, create_schema, create_admin, issue_login_token]


def _store_admin_password(group: Group, user_id: int, password_hash: Future[str]) -> None:
    """Write the admin's hash once ready, unless a password was set meanwhile (a reset)."""
    from django.db import connections

    try:
        connection.set_tenant(group)
        User.objects.filter(pk=user_id, password=UNUSABLE_PASSWORD).update(
            password=password_hash.result(timeout=HASH_TIMEOUT_S)
        )
    finally:
        connections.close_all()  # this thread's own connections


def hash_password_soon(password: str) -> Future[str]:
    """Start hashing on a worker thread; the caller goes on with other work meanwhile."""
    return _hashing.submit(make_password, password)


def provision_group(
    *, spec: GroupSpec, admin: AdminSpec, password_hash: Future[str] | None = None
) -> Provisioning:
    """Create a live group with its admin. Raises SlugTaken if the slug is not free.

    `password_hash`: the admin's password already being hashed (hash_password_soon), so a
    caller can overlap hashing with its own validation too.
    """
    p = Provisioning(
        spec=spec, admin=admin, password_hash=password_hash or hash_password_soon(admin.password)
    )
    try:
        with transaction.atomic():
            # First and robust: the committed group must get its password and fresh routing
            # even if a later after-commit hook (the pool refill's broker call) fails.
            transaction.on_commit(lambda: _after_commit_store_password(p), robust=True)
            transaction.on_commit(lambda: routing.forget(_host(p)), robust=True)
            for step in STEPS:
                step(p)
    except IntegrityError as exc:
        if _is_slug_clash(exc):
            raise SlugTaken(spec.slug) from exc
        raise
    except ValidationError as exc:  # django-tenants' own check saw the other signup commit
        raise SlugTaken(spec.slug) from exc
    except ProgrammingError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == "42P06":  # duplicate_schema
            raise SlugTaken(spec.slug) from exc
        raise
    finally:
        connection.set_schema_to_public()
    return p


def _host(p: Provisioning) -> str:
    return f"{p.spec.slug}.{settings.PLATFORM_DOMAIN}"


def _after_commit_store_password(p: Provisioning) -> None:
    p.password_stored = _storing.submit(
        _store_admin_password, p.group, p.admin_user_id, p.password_hash
    )


def _is_slug_clash(exc: IntegrityError) -> bool:
    constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", "") or ""
    return "schema_name" in constraint or "domain" in constraint


def issue_handoff(*, group: Group, user_id: int) -> str:
    token = secrets.token_urlsafe(32)
    LoginHandoff.objects.filter(expires_at__lt=timezone.now()).delete()  # unused, expired
    LoginHandoff.objects.create(
        group=group, user_id=user_id, token_hash=_hash(token),
        expires_at=timezone.now() + HANDOFF_LIFETIME,
    )
    return token


def redeem_handoff(*, group: Group, token: str) -> int | None:
    """The user id the token logs in, once; None if unknown, used, expired or another group's."""
    # The table is in the public schema, which is on every group's search path.
    with transaction.atomic():
        handoff = (
            LoginHandoff.objects.select_for_update()
            .filter(token_hash=_hash(token), group=group)
            .first()
        )
        if handoff is None:
            return None
        handoff.delete()
        return handoff.user_id if handoff.expires_at > timezone.now() else None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
