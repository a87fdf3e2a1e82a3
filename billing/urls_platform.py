from django.urls import path

from billing import operators, webhooks

urlpatterns = [
    path("billing/webhook/", webhooks.stripe_webhook, name="stripe_webhook"),
    path("operators/sponsors/", operators.sponsors, name="operator_sponsors"),
]
