"""The directory: "find your local mutual aid group" on the platform host, and a group
admin's listing page on the group's host (/setup/directory/)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.accounts.decorators import admins_only
from core.geo.geocoding import Reason, geocode
from core.tenancy.routing import group_url
from mutualaid.directory import selectors
from mutualaid.directory.forms import ListingForm, SearchForm
from mutualaid.directory.services import set_listing

# Our own words: geocode's messages speak of requests a coordinator will place.
NOT_FOUND = {
    Reason.NOTHING_GIVEN: gettext_lazy("Enter your postcode to see the groups near you."),
    Reason.INVALID_POSTCODE: gettext_lazy("This does not look like a postcode. Check it and "
                                          "try again."),
    Reason.UNKNOWN_POSTCODE: gettext_lazy("We could not find this postcode. Check it, or "
                                          "look for groups on the map below."),
    Reason.UNKNOWN_ADDRESS: gettext_lazy("We could not find this postcode. Check it, or "
                                         "look for groups on the map below."),
    Reason.UNAVAILABLE: gettext_lazy("Finding places is not working right now. Please look "
                                     "for groups on the map below."),
}


def find(request):
    """Listed groups by postcode (nearest first) or, without one, on a map of the country."""
    countries = selectors.countries_listed()
    form = SearchForm(request.GET or None, countries=countries)
    country = countries[0][0] if countries else ""
    origin, problem, postcode = None, "", ""
    if form.is_bound and form.is_valid():
        country = form.cleaned_data["country"] or country
        postcode = form.cleaned_data["postcode"].strip()
    if postcode and country:
        found = geocode(country=country, postcode=postcode)
        if found.ok:
            origin = (found.lat, found.lng)
        else:
            problem = NOT_FOUND[found.reason]
    if origin:
        groups = selectors.nearest(country=country, lat=origin[0], lng=origin[1])
    else:
        groups = selectors.in_country(country=country) if country else []
    rows = [{"group": g, "ask_url": group_url(request, g.slug, "/ask/"),
             "home_url": group_url(request, g.slug, "/")} for g in groups]
    return render(request, "directory/find.html", {
        "form": form, "rows": rows, "problem": problem, "searched": bool(origin),
        "map": {"tiles": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION,
                "origin": list(origin) if origin else None,
                "groups": [{"name": r["group"].name, "lat": r["group"].lat,
                            "lng": r["group"].lng, "id": f"group-{r['group'].slug}"}
                           for r in rows]},
    })


@admins_only
def listing(request):
    group = request.group
    if request.method == "POST":
        form = ListingForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            set_listing(group=group, listed=d["listed"], description=d["description"],
                        area=d["area"], actor=request.user)
            messages.success(request, _("Your directory entry is saved.") if d["listed"]
                             else _("Your group is not listed in the directory."))
            return redirect("setup_directory")
        return render(request, "directory/listing.html", {"form": form}, status=400)
    form = ListingForm(initial={"listed": group.listed_in_directory,
                                "area": group.directory_area,
                                "description": group.directory_description})
    return render(request, "directory/listing.html", {"form": form})
