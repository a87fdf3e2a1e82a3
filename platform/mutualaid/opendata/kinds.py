"""Names for the kinds of help every group starts with (tenants/requests migration 0002).
Groups rename them and add their own in their own schemas, which public pages never read:
the open data names a kind by its code, and these words for the codes everyone shares."""

from django.utils.translation import gettext_lazy as _

SHARED = {
    "shopping": _("Shopping"),
    "prescription": _("Prescription pickup"),
    "befriending": _("Befriending call"),
    "dog_walking": _("Dog walking"),
    "transport": _("Transport"),
    "childcare": _("Childcare"),
    "other": _("Other"),
}


def label(code: str) -> str:
    return str(SHARED.get(code, code))
