"""Stripe's webhook endpoint, on the platform's host: verify the signature (a bad one is
refused and changes nothing), keep the event (a replayed id is acknowledged and ignored),
answer at once; a Celery task acts on it after the commit."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing import services, stripe_api


@csrf_exempt  # signed by Stripe instead
@require_POST
def stripe_webhook(request):
    if not stripe_api.webhooks_configured():
        return HttpResponse("Billing is not configured.", status=404, content_type="text/plain")
    try:
        event = stripe_api.verify_webhook(request.body, request.headers.get("Stripe-Signature"))
    except stripe_api.BadSignature:
        return HttpResponse("Bad signature.", status=400, content_type="text/plain")
    if not isinstance(event.get("id"), str) or not event["id"]:
        return HttpResponse("No event id.", status=400, content_type="text/plain")
    _row, created = services.receive_event(event=event)
    return JsonResponse({"received": True, "duplicate": not created})
