"""Writes to the kinds of help a group offers (its admins' request types editor).

A type in use (a request or a volunteer profile names it) is retired, never deleted: the
records that name it keep their meaning. Each write is atomic and audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Max, ProtectedError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.audit.services import record
from core.errors import Refused
from tenants.requests.models import RequestType, VettingLevel

ICON_MAX = 8  # characters: one emoji (some are several code points) or a short word
ZERO_WIDTH = "\u200d\ufe0f"  # joiner and emoji presentation: parts of emoji, not printable


@dataclass(frozen=True)
class TypeSpec:
    names: dict[str, str]  # {language: name}; the group's default language is required
    icon: str
    mode: str
    vetting_level: int = VettingLevel.NONE
    checkin_required: bool = False
    active: bool = True


def _clean(spec: TypeSpec) -> tuple[dict[str, str], str, str]:
    """(names, name in the default language, icon), or Refused."""
    group = connection.tenant
    names = {code: text.strip()[:80] for code, text in spec.names.items() if text and text.strip()}
    default_name = names.get(group.default_language, "")
    if not default_name:
        raise Refused(_("Give the name in the group's default language."))
    icon = clean_icon(spec.icon)
    if spec.mode not in RequestType.Mode.values:
        raise Refused(_("Choose in person or remote."))
    if spec.vetting_level not in VettingLevel.values:
        raise Refused(_("Choose a vetting level."))
    return names, default_name, icon


def clean_icon(value: str) -> str:
    icon = (value or "").strip()
    if not icon or len(icon) > ICON_MAX or any(
            c.isspace() or (not c.isprintable() and c not in ZERO_WIDTH) for c in icon):
        raise Refused(_("The icon must be an emoji or a short word of at most %(max)d "
                        "characters, without spaces.") % {"max": ICON_MAX})
    return icon


def _unique_code(name: str) -> str:
    base = (slugify(name)[:32] or "type").replace("-", "_")
    taken = set(RequestType.objects.filter(code__startswith=base)
                .values_list("code", flat=True))
    code, n = base, 2
    while code in taken:
        code, n = f"{base}_{n}", n + 1
    return code


def _after_change() -> None:
    # The public home page caches its counts with the types (tenants.requests.selectors).
    transaction.on_commit(lambda: cache.delete("helped_lately:30"))


@transaction.atomic
def create_type(*, spec: TypeSpec, actor) -> RequestType:
    names, name, icon = _clean(spec)
    position = (RequestType.objects.aggregate(m=Max("position"))["m"] or 0) + 1
    kind = RequestType.objects.create(
        code=_unique_code(name), name=name, names=names, icon=icon, mode=spec.mode,
        vetting_level=spec.vetting_level, checkin_required=spec.checkin_required,
        active=spec.active, position=position)
    record(actor=actor, action="request_type.create", target=kind, data=_shape(kind))
    _after_change()
    return kind


@transaction.atomic
def update_type(*, type_id: int, spec: TypeSpec, actor) -> RequestType:
    """Change a type (retire it with active=False, bring it back with True). Names written
    in languages the group no longer offers are kept, for when it offers them again."""
    names, name, icon = _clean(spec)
    kind = RequestType.objects.select_for_update().get(pk=type_id)
    offered = connection.tenant.enabled_languages
    kept = {code: text for code, text in kind.names.items() if code not in offered}
    before = _shape(kind)
    kind.name, kind.names, kind.icon = name, {**kept, **names}, icon
    kind.mode, kind.vetting_level = spec.mode, spec.vetting_level
    kind.checkin_required, kind.active = spec.checkin_required, spec.active
    kind.save()
    after = _shape(kind)
    changed = sorted(k for k in after if after[k] != before[k])
    action = ("request_type.retire" if before["active"] and not kind.active else
              "request_type.reactivate" if kind.active and not before["active"] else
              "request_type.update")
    record(actor=actor, action=action, target=kind, fields=changed,
           data={"before": {k: before[k] for k in changed}})
    _after_change()
    return kind


def in_use(kind: RequestType) -> bool:
    """Whether any request or volunteer profile names this type."""
    return kind.requests.exists() or kind.volunteers.exists()


@transaction.atomic
def delete_type(*, type_id: int, actor) -> None:
    """Delete a type nothing uses; one in use is Refused (retire it instead)."""
    kind = RequestType.objects.select_for_update().get(pk=type_id)
    refusal = Refused(_("“%(name)s” is in use by requests or volunteers, so it cannot be "
                        "deleted. Retire it instead: it stops being offered and the records "
                        "keep it.") % {"name": kind.label})
    if in_use(kind):
        raise refusal
    record(actor=actor, action="request_type.delete", target=kind, data=_shape(kind))
    try:
        with transaction.atomic():
            kind.delete()
    except ProtectedError:  # something else protects it (a table added since): same answer
        raise refusal from None


def _shape(kind: RequestType) -> dict:
    return {"code": kind.code, "name": kind.name, "names": dict(kind.names), "icon": kind.icon,
            "mode": kind.mode, "vetting_level": kind.vetting_level,
            "checkin_required": kind.checkin_required, "active": kind.active}

