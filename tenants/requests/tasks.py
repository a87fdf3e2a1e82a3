from django.db import connection

from core.tenancy.tasks import group_task


@group_task(name="requests.locate_request")
def locate_request(request_id: int) -> str:
    """Geocode a new request in its group's schema (after the request is committed)."""
    from tenants.requests.services import locate

    return locate(request_id=request_id, country=connection.tenant.country.code).location_status


@group_task(name="requests.rescore_deprivation")
def rescore_deprivation() -> int:
    """Every located request's deprivation decile, looked up again (after a dataset loads).
    Fanned out over the fleet by `manage.py rescore_deprivation`."""
    from tenants.requests.services import rescore_deprivation as rescore

    return rescore()
