from django.urls import path

from mutualaid.console import views

urlpatterns = [
    path("", views.fleet, name="console_fleet"),
    path("groups/<slug:slug>/", views.group, name="console_group"),
    path("groups/<slug:slug>/suspend/", views.suspend, name="console_suspend"),
    path("groups/<slug:slug>/resume/", views.resume, name="console_resume"),
    path("groups/<slug:slug>/close/", views.close, name="console_close"),
    path("groups/<slug:slug>/domains/", views.add_domain, name="console_add_domain"),
    path("groups/<slug:slug>/export/", views.export, name="console_export"),
    path("exports/<int:export_id>/download/", views.export_download,
         name="console_export_download"),
    path("exports/file/<str:token>/", views.export_file, name="console_export_file"),
]
