"""The group's public impact page (/impact/), its summary for other websites to frame
(/impact/embed/), and the admins' page that publishes them (/setup/impact/). Both public
pages are a 404 until an admin publishes them."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.accounts.decorators import admins_only
from core.privacy.anonymity import min_count
from core.security.framing import embeddable
from core.tenancy.services import set_impact_page
from tenants.reports import areas as area_names
from tenants.reports.dashboard import duration
from tenants.reports.impact import impact
from tenants.reports.impact_forms import ImpactPageForm, PeriodForm

EMBED_HEIGHT = 300  # px: the summary's figures on a phone, with its heading and link


def impact_page(request):
    _published_or_404(request)
    form = PeriodForm(request.GET or None)
    data = impact(weeks=form.weeks_asked())
    labelled = [(chr(ord("A") + i) if i < 26 else str(i + 1), area)
                for i, area in enumerate(data.areas)]
    return render(request, "reports/impact.html", {
        "form": form, "data": data,
        "to_assign": duration(data.median_to_assign) if data.median_to_assign else "",
        "to_complete": duration(data.median_to_complete) if data.median_to_complete else "",
        "areas": [(mark, area, area_names.label(area.cell)) for mark, area in labelled],
        "map": {"tiles": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION,
                "areas": [{"mark": mark, "requests": area.requests,
                           "label": ngettext("Area %(mark)s: %(count)s request",
                                             "Area %(mark)s: %(count)s requests",
                                             area.requests) % {"mark": mark,
                                                               "count": area.requests},
                           "outline": area_names.outline(area.cell)}
                          for mark, area in labelled]},
    })


@embeddable
def impact_embed(request):
    """A few figures for another website's page: no cookies, forms, scripts or people."""
    _published_or_404(request)
    form = PeriodForm(request.GET or None)
    return render(request, "reports/impact_embed.html",
                  {"data": impact(weeks=form.weeks_asked()),
                   "page_url": request.build_absolute_uri(reverse("impact"))})


def _published_or_404(request) -> None:
    if not request.group.public_impact_page:
        raise Http404


@admins_only
def impact_setup(request):
    group = request.group
    form = ImpactPageForm(request.POST or None, k=min_count(),
                          initial={"published": group.public_impact_page})
    if request.method == "POST" and form.is_valid():
        published = form.cleaned_data["published"]
        set_impact_page(group=group, published=published, actor=request.user)
        messages.success(request, _("Your impact page is published.") if published
                         else _("Your impact page is not published."))
        return redirect("setup_impact")
    embed_url = request.build_absolute_uri(reverse("impact_embed"))
    title = escape(_("%(group)s: what we do") % {"group": group.name})
    snippet = (f'<iframe src="{embed_url}" title="{title}" width="100%" '
               f'height="{EMBED_HEIGHT}" loading="lazy"></iframe>')
    return render(request, "reports/impact_setup.html", {
        "form": form, "published": group.public_impact_page, "snippet": snippet,
        "page_url": request.build_absolute_uri(reverse("impact")),
    }, status=400 if form.is_bound else 200)
