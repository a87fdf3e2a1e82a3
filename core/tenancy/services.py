"""Writes to a group's own settings. Run inside the group's schema (its audit log)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.audit.services import record
from core.documents.storage import documents_storage
from core.errors import Refused
from core.tenancy import branding as brand
from core.tenancy import routing
from core.tenancy.models import Group


@transaction.atomic
def set_staff_two_factor(*, group: Group, required: bool, actor) -> Group:
    """Require (or stop requiring) coordinators and admins to use two-factor login."""
    group = Group.objects.select_for_update().get(pk=group.pk)
    if group.require_staff_2fa == required:
        return group
    group.require_staff_2fa = required
    group.save(update_fields=["require_staff_2fa"])
    record(actor=actor, action="group.require_staff_2fa", target=group,
           data={"required": required})
    # Routing caches the group object per host: drop it so the next request sees the change.
    hosts = list(group.domains.values_list("domain", flat=True))
    transaction.on_commit(lambda: routing.forget(*hosts))
    return group


@transaction.atomic
def set_impact_page(*, group: Group, published: bool, actor) -> Group:
    """Publish (or take down) the group's public impact page and its embeddable summary."""
    group = Group.objects.select_for_update().get(pk=group.pk)
    changed = group.public_impact_page != published
    group.public_impact_page = published
    group.save(update_fields=["public_impact_page"])
    # Saved even when unchanged: the setup checklist ticks off a page once an admin saves it.
    record(actor=actor, action="group.impact_page", target=group,
           fields=["public_impact_page"] if changed else [], data={"published": published})
    _forget_after_commit(group)
    return group


def _forget_after_commit(group: Group) -> None:
    hosts = list(group.domains.values_list("domain", flat=True))
    transaction.on_commit(lambda: routing.forget(*hosts))  # routing caches the group row


def offered_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


@dataclass(frozen=True)
class LanguagesChange:
    group: Group
    dropped: list[str]  # languages no longer offered
    members_affected: int  # members whose preferred language was dropped


@transaction.atomic
def set_languages(*, group: Group, enabled: list[str], default: str, actor) -> LanguagesChange:
    """Choose the languages the group's pages are offered in, and its default (one of them).
    Wording written in a language that is dropped is kept (it returns if the language is
    offered again); members who preferred it see the default language meanwhile."""
    from core.accounts.models import User

    known = offered_languages()
    enabled = [code for code in known if code in set(enabled)]  # settings' order, no repeats
    if not enabled:
        raise Refused(_("Offer at least one language."))
    if default not in enabled:
        raise Refused(_("The default language must be one of the languages you offer."))
    group = Group.objects.select_for_update().get(pk=group.pk)
    before = {"enabled": list(group.enabled_languages), "default": group.default_language}
    dropped = [code for code in group.enabled_languages if code not in enabled]
    group.enabled_languages, group.default_language = enabled, default
    group.save(update_fields=["enabled_languages", "default_language"])
    record(actor=actor, action="group.languages", target=group,
           data={"before": before, "after": {"enabled": enabled, "default": default}})
    _forget_after_commit(group)
    affected = User.objects.filter(preferred_language__in=dropped).count() if dropped else 0
    return LanguagesChange(group=group, dropped=dropped, members_affected=affected)


@dataclass(frozen=True)
class Branding:
    name: str
    accent: str = ""  # "#rrggbb", or "" for the platform's colour
    welcome_texts: dict[str, str] = field(default_factory=dict)  # {language: text}
    contact_email: str = ""
    contact_phone: str = ""


def set_branding(*, group: Group, branding: Branding, actor, logo: UploadedFile | None = None,
                 remove_logo: bool = False) -> Group:
    """Save the group's name, accent colour, welcome text, contact details and logo.

    Everything is checked before anything is written (a refused colour or logo leaves the
    group as it was). A new logo file is stored first and deleted again if the row cannot be
    saved; the file it replaces is deleted only once the change has committed. Call outside
    a transaction (views are not wrapped in one), as tenants.documents' store_document."""
    name = branding.name.strip()
    if not name or len(name) > 100:
        raise Refused(_("Give your group a name of at most 100 characters."))
    _check_contact(branding)
    accent = brand.clean_accent(branding.accent)
    file_type = brand.check_logo(logo) if logo is not None else None
    storage = documents_storage()
    new_key = storage.save(f"logo{file_type.extension}", logo) if file_type else ""
    try:
        return _save_branding(group=group, name=name, accent=accent, branding=branding,
                              logo=(new_key, file_type.content_type) if file_type else None,
                              remove_logo=remove_logo, actor=actor)
    except BaseException:
        if new_key:
            storage.delete(new_key)
        raise


def _check_contact(branding: Branding) -> None:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    if branding.contact_email.strip():
        try:
            validate_email(branding.contact_email.strip())
        except ValidationError:
            raise Refused(_("Enter a valid contact email address.")) from None
    if len(branding.contact_phone.strip()) > 32:
        raise Refused(_("The contact phone is too long (at most 32 characters)."))
    if any(len(text) > 1000 for text in branding.welcome_texts.values()):
        raise Refused(_("The welcome text is too long (at most 1000 characters)."))


@transaction.atomic
def _save_branding(*, group: Group, name: str, accent: str, branding: Branding,
                   logo: tuple[str, str] | None, remove_logo: bool, actor) -> Group:
    group = Group.objects.select_for_update().get(pk=group.pk)
    # Wording in languages not offered now is kept for when they are offered again.
    welcome = {code: text for code, text in (group.welcome_texts or {}).items()
               if code not in group.enabled_languages}
    welcome.update({code: text for code, text in branding.welcome_texts.items() if text})
    values = {"name": name, "brand_accent": accent, "welcome_texts": welcome,
              "contact_email": branding.contact_email.strip(),
              "contact_phone": branding.contact_phone.strip()}
    old_key = group.brand_logo_key
    if logo is not None:
        values["brand_logo_key"], values["brand_logo_type"] = logo
    elif remove_logo:
        values["brand_logo_key"], values["brand_logo_type"] = "", ""
    changed = sorted(k for k, v in values.items() if getattr(group, k) != v)
    for key, value in values.items():
        setattr(group, key, value)
    group.save(update_fields=list(values))
    record(actor=actor, action="group.branding", target=group, fields=changed,
           data={"accent": accent, "logo": "new" if logo else "removed" if remove_logo and
                 old_key else "kept"})
    if old_key and old_key != group.brand_logo_key:
        storage = documents_storage()
        transaction.on_commit(lambda: storage.delete(old_key), robust=True)
    _forget_after_commit(group)
    return group
