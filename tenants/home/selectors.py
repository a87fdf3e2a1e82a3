"""What a group's admin still has to set up. Items whose pages later work will build are
listed as coming soon rather than linked to a page that does not exist yet."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tenants.team.selectors import team_started


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    title: str
    description: str
    done: bool
    url: str | None = None


def setup_checklist(*, user) -> list[ChecklistItem]:
    from allauth.account.models import EmailAddress

    verified = EmailAddress.objects.filter(user=user, verified=True).exists()
    return [
        ChecklistItem(
            "email", _("Confirm your email address"),
            _("We sent you a link. It lets you reset your password if you forget it."),
            verified, None if verified else "/accounts/email/",
        ),
        ChecklistItem(
            "request_types", _("Choose the kinds of help you offer"),
            _("Shopping, prescriptions, befriending calls, lifts and more."),
            _saved("request_type."), "/setup/types/",
        ),
        ChecklistItem(
            "forms", _("Adjust your request and volunteer forms"),
            _("Add the questions your group needs to ask."), _saved("forms."), "/setup/forms/",
        ),
        ChecklistItem(
            "languages", _("Pick your languages"),
            _("Offer your pages in English, Spanish or both."),
            _saved("group.languages"), "/setup/languages/",
        ),
        ChecklistItem(
            "branding", _("Make it look like your group"),
            _("Your logo, colour, welcome words and how to reach you."),
            _saved("group.branding"), "/setup/branding/",
        ),
        ChecklistItem(
            "retention", _("Decide how long you keep personal data"),
            _("Names and addresses are erased on your schedule; anonymous counts stay."),
            _retention_chosen(), "/records/retention/",
        ),
        ChecklistItem(
            "team", _("Invite your team"),
            _("Add coordinators and volunteers by email."), team_started(), "/team/",
        ),
        ChecklistItem(
            "priority", _("Decide who comes first"),
            _("How much urgency, time waiting and the area's deprivation count in the queue."),
            _saved("matching.priority_weights"), "/setup/priority/",
        ),
        ChecklistItem(
            "impact", _("Share what your group does (optional)"),
            _("A public page of your figures and a map, and a summary for your website."),
            _saved("group.impact_page"), "/setup/impact/",
        ),
    ]


def _retention_chosen() -> bool:
    """Chosen once an admin has saved the retention page (the defaults apply until then)."""
    from core.audit.models import AuditEntry

    return AuditEntry.objects.filter(action="group.retention").exists()


def _saved(action: str) -> bool:
    """Done once an admin has saved that page (an audit row with this action, or under it
    when `action` ends with a dot)."""
    from core.audit.models import AuditEntry

    entries = AuditEntry.objects.exclude(actor=None)
    if action.endswith("."):
        return entries.filter(action__startswith=action).exists()
    return entries.filter(action=action).exists()


def welcome_text(group) -> str:
    """The group's welcome in the page's language, else its default language's; "" when it
    wrote none (the page then says the standard sentence). Only languages offered count."""
    from core.localized import pick

    texts = {code: text for code, text in (group.welcome_texts or {}).items()
             if code in group.enabled_languages}
    return pick(texts, default_language=group.default_language)
