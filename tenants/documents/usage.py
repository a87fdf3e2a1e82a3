"""What the plan's storage limit counts (core.tenancy.entitlements): bytes of every file."""

from django.db.models import Sum

from core.tenancy.entitlements import measures
from tenants.documents.models import Document


@measures("storage_mb")
def stored_bytes() -> int:
    return Document.objects.aggregate(total=Sum("size"))["total"] or 0
