from django.urls import path

from billing import views

urlpatterns = [
    path("", views.page, name="billing"),
    path("checkout/<slug:plan>/", views.checkout, name="billing_checkout"),
    path("portal/", views.portal, name="billing_portal"),
    path("redeem/", views.redeem, name="billing_redeem"),
]
