"""Safeguarding pages, under /safeguarding/ on the group's host."""

from django.urls import path

from tenants.safeguarding import views

urlpatterns = [
    path("", views.raise_concern, name="safeguarding_raise"),
    path("raised/<int:concern_id>/", views.raised, name="safeguarding_raised"),
    path("concerns/", views.concerns, name="safeguarding_concerns"),
    path("concerns/<int:concern_id>/", views.concern, name="safeguarding_concern"),
    path("concerns/<int:concern_id>/<str:act>/", views.concern_act,
         name="safeguarding_concern_act"),
    path("leads/", views.leads, name="safeguarding_leads"),
    path("leads/name/", views.name_lead, name="safeguarding_name_lead"),
    path("leads/<int:user_id>/remove/", views.remove_lead, name="safeguarding_remove_lead"),
    path("leads/check-in-time/", views.checkin_time, name="safeguarding_checkin_time"),
    path("check-ins/<int:checkin_id>/safe/", views.confirm_checkin,
         name="safeguarding_checkin_confirm"),
]
