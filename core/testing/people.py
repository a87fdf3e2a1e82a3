"""Groups and members for tests, made through the same services users go through."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

PASSWORD = "plenty-of-tea-42"


@dataclass
class SessionGroup:
    slug: str
    host: str
    admin_email: str
    coordinator_email: str
    volunteer_email: str


def signup_data(slug: str, **overrides) -> dict:
    """A valid signup form submission for `slug`."""
    data = {
        "group_name": f"{slug.title()} Mutual Aid",
        "slug": slug,
        "admin_name": "Ada Admin",
        "email": f"admin@{slug}.example.org",
        "password": PASSWORD,
        "country": "GB",
        "timezone": "Europe/London",
        "default_language": "en",
        "map_center_lat": "51.5072",
        "map_center_lng": "-0.1276",
    }
    data.update(overrides)
    return data


def make_session_group(slug: str) -> SessionGroup:
    from django.conf import settings

    from core.accounts.models import User
    from core.accounts.services import create_member
    from core.tenancy.models import Group
    from core.tenancy.provisioning import AdminSpec, GroupSpec, provision_group

    data = signup_data(slug)
    result = provision_group(
        spec=GroupSpec(
            name=data["group_name"], slug=slug, country=data["country"],
            timezone=data["timezone"], default_language=data["default_language"],
            map_center_lat=float(data["map_center_lat"]),
            map_center_lng=float(data["map_center_lng"]),
        ),
        admin=AdminSpec(name=data["admin_name"], email=data["email"], password=PASSWORD),
    )
    result.password_stored.result(timeout=30)
    group = Group.objects.get(pk=result.group.pk)
    connection.set_tenant(group)
    try:
        for role in (User.Role.COORDINATOR, User.Role.VOLUNTEER):
            create_member(
                email=f"{role}@{slug}.example.org", name=f"{role.title()} of {slug}",
                role=role, password=PASSWORD,
            )
    finally:
        connection.set_schema_to_public()
    return SessionGroup(
        slug=slug,
        host=f"{slug}.{settings.PLATFORM_DOMAIN}",
        admin_email=data["email"],
        coordinator_email=f"coordinator@{slug}.example.org",
        volunteer_email=f"volunteer@{slug}.example.org",
    )
