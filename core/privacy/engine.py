"""The one place that decides what a person may see of a record, and records each reveal.

    viewer = Viewer.of(request.user)
    task = show(viewer, help_request, why="assigned volunteer's task page",
                fields=["person_name", "person_phone", "address"])
    task.person_phone  # the phone, or None when this viewer may not see it right now

Pages, exports, notifications and searches all go through `show`/`show_many` (or ask
`columns` for what a list may read), so a field's level is enforced the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import models

from core.audit import services as audit
from core.privacy.levels import AUDITED, Level
from core.privacy.registry import Policy, policy_for

_ROLE_LEVEL = {"admin": Level.RESTRICTED, "coordinator": Level.STAFF}


@dataclass(frozen=True)
class Viewer:
    """Who is looking: their user (None for the public) and what their role alone clears."""

    user: object | None
    base: Level

    @property
    def user_id(self) -> int | None:
        return getattr(self.user, "pk", None)

    @classmethod
    def of(cls, user) -> "Viewer":
        if user is None or not getattr(user, "is_authenticated", False):
            return cls(None, Level.PUBLIC)
        if user.role in _ROLE_LEVEL:
            return cls(user, _ROLE_LEVEL[user.role])
        # A volunteer sees volunteer-level fields only while active (approved, not paused).
        profile = getattr(user, "volunteer", None) if user.role == "volunteer" else None
        active = getattr(profile, "status", "") == "active"
        return cls(user, Level.VOLUNTEER if active else Level.PUBLIC)

    @classmethod
    def system(cls) -> "Viewer":
        """The platform itself (retention, exports it writes for an admin): sees everything,
        reveals nothing to a person."""
        return cls(None, Level.RESTRICTED)


PUBLIC = Viewer(None, Level.PUBLIC)


def clearance(viewer: Viewer, record: models.Model, policy: Policy | None = None) -> Level:
    """The highest level of `record`'s fields `viewer` may see now."""
    level = viewer.base
    if level >= Level.ASSIGNED or viewer.user_id is None:
        return level
    policy = policy or policy_for(record)
    if policy.assigned_to is not None and policy.assigned_to(record) == viewer.user_id:
        return Level.ASSIGNED
    if policy.subject is not None and policy.subject(record) == viewer.user_id:
        return Level.ASSIGNED
    return level


def visible_fields(viewer: Viewer, record: models.Model) -> frozenset[str]:
    policy = policy_for(record)
    return policy.fields_upto(clearance(viewer, record, policy))


def columns(model: type[models.Model], level: Level) -> frozenset[str]:
    """The fields a list shown at `level` may read from the database (nothing else)."""
    return policy_for(model).fields_upto(level)


class Shown:
    """A record as one viewer may see it: declared fields they may not see read as None."""

    __slots__ = ("_record", "_allowed", "_policy")

    def __init__(self, record: models.Model, allowed: frozenset[str], policy: Policy):
        self._record, self._allowed, self._policy = record, allowed, policy

    def __getattr__(self, name: str):
        if name in ("pk", "id"):
            return self._record.pk
        if name in self._allowed:
            return getattr(self._record, name)
        if name.startswith("get_") and name.endswith("_display"):
            if name[4:-8] in self._allowed:
                return getattr(self._record, name)
            return None
        if name in self._policy.levels:
            return None
        raise AttributeError(name)  # not a declared field: not shown (templates print "")

    def can_see(self, name: str) -> bool:
        return name in self._allowed

    def values(self, names: Sequence[str]) -> list:
        """Several fields at once (an export's row): None where the viewer may not see."""
        record, allowed = self._record, self._allowed
        return [getattr(record, name) if name in allowed else None for name in names]

    @property
    def record(self) -> models.Model:
        """The underlying record, for services to act on (never for display)."""
        return self._record


def show(viewer: Viewer, record: models.Model, *, why: str,
         fields: Iterable[str] | None = None) -> Shown:
    """`record` as `viewer` may see it. `fields`: what the page will display (default: all
    it may); the protected ones among them are written to the audit log with `why`."""
    return show_many(viewer, [record], why=why, fields=fields)[0]


def show_many(viewer: Viewer, records: Sequence[models.Model], *, why: str,
              fields: Iterable[str] | None = None) -> list[Shown]:
    """Many records of one kind for one page, email or export: one audit row for the lot,
    naming the records whose protected fields were shown, and which fields."""
    shown, revealed, names = [], [], set()
    wanted = frozenset(fields) if fields is not None else None
    policies: dict[type, Policy] = {}
    for record in records:
        policy = policies.get(type(record)) or policies.setdefault(type(record),
                                                                   policy_for(record))
        allowed = policy.fields_upto(clearance(viewer, record, policy))
        shown.append(Shown(record, allowed, policy))
        if viewer.user is None:
            continue  # nobody in particular: the public, or the platform itself
        if policy.subject is not None and policy.subject(record) == viewer.user_id:
            continue  # their own data
        protected = [name for name in (allowed & wanted if wanted is not None else allowed)
                     if policy.levels[name] in AUDITED]
        if protected:
            revealed.append(record)
            names.update(protected)
    if revealed:
        audit.record(actor=viewer.user, action="reveal", targets=revealed, fields=names,
                     reason=why)
    return shown
