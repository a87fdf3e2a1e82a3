from django.urls import path

from tenants.requests import type_views

urlpatterns = [
    path("", type_views.index, name="setup_types"),
    path("<int:type_id>/", type_views.edit, name="setup_type_edit"),
    path("<int:type_id>/delete/", type_views.delete, name="setup_type_delete"),
]
