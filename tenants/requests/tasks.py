from django.db import connection

from core.tenancy.tasks import group_task


@group_task(name="requests.locate_request")
def locate_request(request_id: int) -> str:
    """Geocode a new request in its group's schema (after the request is committed)."""
    from tenants.requests.services import locate

    return locate(request_id=request_id, country=connection.tenant.country.code).location_status
