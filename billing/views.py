"""The group admins' billing page (on the group's host): plan, limits and usage, upgrade
through Stripe Checkout, manage in Stripe's customer portal, redeem a sponsor code."""

from __future__ import annotations

from csp.decorators import csp_update
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing import selectors, services, stripe_api
from billing.forms import RedeemForm
from core.accounts.decorators import admins_only
from core.errors import Refused

# The upgrade and manage buttons post here and are redirected to Stripe's pages; browsers
# check a form's redirects against form-action too.
STRIPE_PAGES = ["https://checkout.stripe.com", "https://billing.stripe.com"]


@admins_only
@csp_update({"form-action": STRIPE_PAGES})
def page(request, redeem_form: RedeemForm | None = None, status: int = 200):
    return render(request, "billing/page.html", {
        "summary": selectors.summary(request.group),
        "redeem_form": redeem_form or RedeemForm(),
        "checkout_done": request.GET.get("checkout") == "done",
    }, status=status)


def _back(request, **query) -> str:
    url = request.build_absolute_uri(reverse("billing"))
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@admins_only
@require_POST
def checkout(request, plan: str):
    if not stripe_api.configured():
        messages.info(request, _("Billing is not configured; every group is on the free plan."))
        return redirect("billing")
    try:
        url = services.start_checkout(group=request.group, plan_code=plan, actor=request.user,
                                      success_url=_back(request, checkout="done"),
                                      cancel_url=_back(request))
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("billing")
    return HttpResponseRedirect(url, status=303)


@admins_only
@require_POST
def portal(request):
    if not stripe_api.configured():
        messages.info(request, _("Billing is not configured; every group is on the free plan."))
        return redirect("billing")
    try:
        url = services.open_portal(group=request.group, actor=request.user,
                                   return_url=_back(request))
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("billing")
    return HttpResponseRedirect(url, status=303)


@admins_only
@require_POST
def redeem(request):
    if not stripe_api.configured():
        return redirect("billing")
    form = RedeemForm(request.POST)
    if form.is_valid():
        try:
            account = services.redeem_code(group=request.group, code=form.cleaned_data["code"],
                                           actor=request.user)
        except Refused as refused:
            form.add_error("code", refused.message)
        else:
            messages.success(request, _("Thank you: a sponsor pays for this group until "
                                        "%(date)s.") % {"date": account.sponsored_until})
            return redirect("billing")
    return page(request, redeem_form=form, status=400)
