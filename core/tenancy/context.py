def current_group(request):
    """Templates see the group being served (None on the platform host)."""
    return {"current_group": getattr(request, "group", None)}
