def current_group(request):
    """Templates see the group being served (None on the platform host)."""
    return {"current_group": getattr(request, "group", None)}


def plan_notice(request):
    """The banner on every page of a group whose payment failed (admins) or that is
    read-only (admins and coordinators), from the entitlement snapshot: no query."""
    from django.utils.dateparse import parse_datetime

    from core.tenancy.entitlements import snapshot

    group, user = getattr(request, "group", None), getattr(request, "user", None)
    role = getattr(user, "role", "") if user is not None and user.is_authenticated else ""
    if group is None or role not in ("admin", "coordinator"):
        return {}
    snap = snapshot(group)
    if snap.get("read_only"):
        return {"plan_notice": {"state": "suspended", "admin": role == "admin"}}
    if snap.get("past_due") and role == "admin":
        return {"plan_notice": {"state": "past_due",
                                "grace_ends": parse_datetime(snap.get("grace_ends") or "")}}
    return {}
