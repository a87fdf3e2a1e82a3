from django.urls import path

from tenants.reports import views

urlpatterns = [
    path("", views.dashboard, name="reports_dashboard"),
    path("<slug:table>.csv", views.export, name="reports_csv"),
]
