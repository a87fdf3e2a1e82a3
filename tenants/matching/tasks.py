from django.core.mail import send_mail
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _

from core.tenancy.tasks import group_task


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
    with translation.override(language):
        send_mail(
            subject=_("%(group)s: a request for you") % {"group": group.name},
            message=_("Hello %(name)s,\n\nYou have been given a request: %(type)s.\n"
                      "See the details on your tasks page: %(url)s\n\nThank you!") % {
                "name": volunteer.get_short_name(), "type": request.type.name,
                "url": f"https://{group.get_primary_domain().domain}/volunteer/tasks/",
            },
            from_email=None, recipient_list=[volunteer.email],
        )
    return True
