"""Team pages, under /team/ on the group's host."""

from django.urls import path

from tenants.team import views

urlpatterns = [
    path("", views.index, name="team"),
    path("invite/", views.invite, name="team_invite"),
    path("invitations/<int:invitation_id>/resend/", views.resend, name="team_resend"),
    path("invitations/<int:invitation_id>/revoke/", views.revoke, name="team_revoke"),
    path("members/<int:member_id>/role/", views.change_role, name="team_role"),
    path("members/<int:member_id>/remove/", views.remove, name="team_remove"),
    path("join/<str:token>/", views.join, name="team_join"),
]
