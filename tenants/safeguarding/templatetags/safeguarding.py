"""`{% checkins_due %}`: a volunteer's "I am safe and well" buttons, on their tasks page
(an inclusion tag, so the matching app's view needs no change and imports nothing here)."""

from django import template

from tenants.safeguarding.selectors import open_checkins

register = template.Library()


@register.inclusion_tag("safeguarding/checkins_due.html", takes_context=True)
def checkins_due(context) -> dict:
    user = context.get("user")
    checkins = open_checkins(user=user) if getattr(user, "is_authenticated", False) else []
    # A new context: the form's CSRF token and the group's time zone are passed on by hand.
    return {"checkins": checkins, "current_group": context.get("current_group"),
            "csrf_token": context.get("csrf_token")}
