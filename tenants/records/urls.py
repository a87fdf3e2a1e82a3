from django.urls import path

from tenants.records import views

urlpatterns = [
    path("", views.index, name="records_index"),
    path("audit/", views.audit_log, name="records_audit"),
    path("requests.csv", views.requests_export, name="records_requests_csv"),
    path("person/", views.person, name="records_person"),
    path("retention/", views.retention, name="records_retention"),
]
