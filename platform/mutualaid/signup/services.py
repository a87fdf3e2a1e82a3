"""Signing a group up: the control plane's one write, a thin layer over provisioning."""

from __future__ import annotations

from core.tenancy.provisioning import AdminSpec, GroupSpec, Provisioning, provision_group


def sign_up_group(*, data: dict) -> Provisioning:
    """Provision a group from a valid SignupForm's cleaned data. Raises SlugTaken.

    The admin's verification email is sent from the group's own host, when the one-time
    login token is redeemed there (core.tenancy.views.welcome), so its links point home.
    """
    return provision_group(
        spec=GroupSpec(
            name=data["group_name"], slug=data["slug"], country=data["country"],
            timezone=data["timezone"], default_language=data["default_language"],
            map_center_lat=data["map_center_lat"], map_center_lng=data["map_center_lng"],
        ),
        admin=AdminSpec(name=data["admin_name"], email=data["email"], password=data["password"]),
    )
