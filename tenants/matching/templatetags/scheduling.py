"""Scheduling panels for pages other views render (inclusion tags, so those views need no
change): `{% plan_a_day help_request %}` on a coordinator's request page, and
`{% calendar_feed_link %}` on a volunteer's tasks page."""

from django import template

from core.accounts.models import User
from tenants.requests.forms import PlanDayForm
from tenants.requests.planning import NEAR_KM, planned_days_near
from tenants.requests.services import OPEN_TO_END

register = template.Library()


@register.inclusion_tag("matching/plan_a_day.html", takes_context=True)
def plan_a_day(context, shown) -> dict:
    """The day a request is planned for, a form to change it, and the best days nearby."""
    help_request = shown.record
    days = planned_days_near(help_request)
    going = {v for d in days for v in d.volunteers}
    names = dict(User.objects.filter(pk__in=going).values_list("pk", "name")) if going else {}
    return {
        "help_request": help_request,
        "can_plan": help_request.status in OPEN_TO_END,
        "form": PlanDayForm(prefix="plan", initial={"day": help_request.scheduled_for}),
        "days": [(d, [names[v] for v in d.volunteers if v in names]) for d in days],
        "near_km": NEAR_KM,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("matching/calendar_feed_link.html", takes_context=True)
def calendar_feed_link(context) -> dict:
    """Whether the volunteer has a feed, and its URL once, right after it was made."""
    from tenants.matching.scheduling_views import NEW_FEED_URL
    from tenants.volunteers.models import VolunteerProfile

    request = context.get("request")
    user = context.get("user")
    has_feed = VolunteerProfile.objects.filter(user=user).exclude(
        calendar_token_hash="").exists() if getattr(user, "is_authenticated", False) else False
    new_url = request.session.pop(NEW_FEED_URL, "") if request is not None else ""
    # webcal:// opens the device's calendar app, subscribing to the same https:// address.
    subscribe_url = "webcal://" + new_url.split("://", 1)[1] if new_url else ""
    return {"has_feed": has_feed, "new_url": new_url, "subscribe_url": subscribe_url,
            "csrf_token": context.get("csrf_token")}
