from django.urls import path

from tenants.vetting import views

urlpatterns = [
    path("volunteers/<int:profile_id>/", views.checks, name="vetting_checks"),
    path("checks/<int:check_id>/verify/", views.verify, name="vetting_verify"),
    path("checks/<int:check_id>/refresh/", views.refresh, name="vetting_refresh"),
    path("providers/", views.providers, name="vetting_providers"),
    path("webhooks/<str:provider>/", views.webhook, name="vetting_webhook"),
]
