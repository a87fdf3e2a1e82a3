"""Every model declares the level of each of its fields, in its app's `privacy.py`:

    declare(HelpRequest,
            public=["type", "status", ...], volunteer=["description"],
            assigned=["person_name", "address", ...], staff=[...], restricted=[...],
            personal=["person_name", "address", ...],  # erased by retention and on request
            assigned_to=lambda r: r.volunteer_id if r.is_live else None)

`assigned_to(record)` names the user cleared for ASSIGNED fields right now (None: nobody);
`subject(record)` the user the record is about (they see their own record up to ASSIGNED).
Apps import their `privacy` module in AppConfig.ready(). A test walks every field of every
model of this codebase and fails on one without a level.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models

from core.privacy.levels import Level

_POLICIES: dict[type[models.Model], "Policy"] = {}


@dataclass(frozen=True)
class Policy:
    model: type[models.Model]
    levels: dict[str, Level]
    personal: frozenset[str] = frozenset()
    assigned_to: Callable[[models.Model], int | None] | None = None
    subject: Callable[[models.Model], int | None] | None = None
    # Fields at or below each level, computed once: reads ask for a level's columns.
    _upto: dict[Level, frozenset[str]] = field(default_factory=dict, compare=False)

    def fields_upto(self, level: Level) -> frozenset[str]:
        return self._upto[level]

    def level_of(self, name: str) -> Level:
        return self.levels[name]


def declare(model: type[models.Model], *, public: Iterable[str] = (),
            volunteer: Iterable[str] = (), assigned: Iterable[str] = (),
            staff: Iterable[str] = (), restricted: Iterable[str] = (),
            personal: Iterable[str] = (),
            assigned_to: Callable[[models.Model], int | None] | None = None,
            subject: Callable[[models.Model], int | None] | None = None) -> Policy:
    levels: dict[str, Level] = {}
    for level, names in ((Level.PUBLIC, public), (Level.VOLUNTEER, volunteer),
                         (Level.ASSIGNED, assigned), (Level.STAFF, staff),
                         (Level.RESTRICTED, restricted)):
        for name in names:
            if name in levels:
                raise ValueError(f"{model.__name__}.{name} is declared twice")
            levels[name] = level
    known = {f.name for f in model._meta.get_fields()} | {"pk"}
    unknown = (set(levels) | set(personal)) - known
    if unknown:
        raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
    upto = {lv: frozenset(n for n, l in levels.items() if l <= lv) for lv in Level}
    policy = Policy(model, levels, frozenset(personal), assigned_to, subject, upto)
    _POLICIES[model] = policy
    return policy


def policy_for(model: type[models.Model] | models.Model) -> Policy:
    model = model if isinstance(model, type) else type(model)
    return _POLICIES[model._meta.concrete_model]


def declared_models() -> list[type[models.Model]]:
    return list(_POLICIES)
