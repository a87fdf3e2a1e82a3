from django import forms
from django.utils.translation import gettext_lazy as _


class StaffTwoFactorForm(forms.Form):
    require_staff_2fa = forms.BooleanField(
        label=_("Coordinators and admins must use two-factor login"),
        help_text=_("Anyone of them without an authenticator app is asked to set one up the "
                    "next time they open a page. Volunteers are not affected."),
        required=False,
    )
