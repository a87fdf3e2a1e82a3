from django.urls import path

from mutualaid.opendata import views

urlpatterns = [
    path("", views.page, name="open_data"),
    path("open-data.json", views.download_json, name="open_data_json"),
    path("<slug:table>.csv", views.download, name="open_data_csv"),
]
