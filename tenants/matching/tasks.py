from django.core.mail import send_mail
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _

from core.privacy.engine import Viewer, show
from core.tenancy.tasks import group_task


# What an email about a request may say (volunteer-level fields only).
EMAIL_FIELDS = ("type", "description")


@group_task(name="matching.notify_assigned")
def notify_assigned(request_id: int) -> bool:
    """Email the volunteer a request was given to, in their language (after the commit)."""
    from tenants.requests.models import HelpRequest

    request = HelpRequest.objects.select_related("type", "volunteer").get(pk=request_id)
    volunteer = request.volunteer
    if volunteer is None:
        return False
    group = connection.tenant
    language = volunteer.preferred_language or group.default_language
    # Email is not a safe channel: only what any volunteer may see goes in it; the person's
    # details wait behind the login, on the tasks page (the policy engine decides both).
    shown = show(Viewer.of(volunteer), request, why="assignment email", fields=EMAIL_FIELDS)
    with translation.override(language):
        send_mail(
            subject=_("%(group)s: a request for you") % {"group": group.name},
            message=_("Hello %(name)s,\n\nYou have been given a request: %(type)s.\n"
                      "%(what)s\n"
                      "See the details on your tasks page: %(url)s\n\nThank you!") % {
                "name": volunteer.get_short_name(), "type": shown.type.label,
                "what": shown.description or "",
                "url": f"https://{group.get_primary_domain().domain}/volunteer/tasks/",
            },
            from_email=None, recipient_list=[volunteer.email],
        )
    return True


@group_task(name="matching.notify_ring")
def notify_ring(request_id: int, ring: int = 0) -> int:
    """Tell the next ring of nearest eligible volunteers about an open request; if nobody has
    claimed it by the time the ring's wait is over, the task runs again for the next ring.
    Returns how many volunteers were told."""
    from celery import current_app
    from django.conf import settings

    from tenants.matching.dispatch import suggestions
    from tenants.requests.models import HelpRequest

    request = HelpRequest.objects.select_related("type").get(pk=request_id)
    if request.status != HelpRequest.Status.OPEN:
        return 0  # claimed, assigned or closed meanwhile: stop telling people
    size = settings.NOTIFY_RING_SIZE
    ranked = suggestions(request, limit=(ring + 1) * size)[ring * size:]
    for suggestion in ranked:
        _tell(suggestion.profile.user, request, suggestion.km)
    if ranked and not current_app.conf.task_always_eager:
        # In-process (no broker) a countdown would fire at once: only a worker waits.
        notify_ring.apply_async((request_id, ring + 1),
                                countdown=settings.NOTIFY_RING_MINUTES * 60)
    return len(ranked)


def _tell(user, request, km) -> None:
    group = connection.tenant
    with translation.override(user.preferred_language or group.default_language):
        distance = (_("about %(km).1f km from you") % {"km": km}) if km is not None \
            else _("remote")
        send_mail(
            subject=_("%(group)s: someone near you needs help") % {"group": group.name},
            message=_("Hello %(name)s,\n\nA new request: %(type)s, %(distance)s.\n"
                      "If you can help, claim it here: %(url)s\n\nThank you!") % {
                "name": user.get_short_name(), "type": request.type.label,
                "distance": distance,
                "url": f"https://{group.get_primary_domain().domain}/volunteer/nearby/",
            },
            from_email=None, recipient_list=[user.email],
        )


@group_task(name="matching.make_plan")
def make_plan(plan_id: str) -> str:
    """Compute the optimal assignment of the queue for a coordinator to preview."""
    from tenants.matching import plans
    from tenants.matching.dispatch import plan_auto_assign

    plans.save(plan_id, {"state": plans.SOLVING})
    try:
        pairs, unassigned = plan_auto_assign()
    except Exception:
        plans.save(plan_id, {"state": plans.FAILED})
        raise
    plans.save(plan_id, {
        "state": plans.DONE,
        "pairs": [(p.request_id, p.user_id, p.km) for p in pairs],
        "unassigned": [(r, str(why)) for r, why in unassigned],
    })
    return plans.DONE
