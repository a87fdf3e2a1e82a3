from django.urls import path

from tenants.forms import views

urlpatterns = [
    path("", views.index, name="forms_index"),
    path("<str:form>/add/", views.add, name="forms_add"),
    path("questions/<int:field_id>/", views.edit, name="forms_edit"),
    path("questions/<int:field_id>/<str:action>/", views.act, name="forms_act"),
]
