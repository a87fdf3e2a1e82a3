from core.tenancy.tasks import group_task


@group_task(name="safeguarding.tell_leads")
def tell_leads(concern_id: int) -> int:
    """Email the group's safeguarding leads a link to a new concern (after its commit)."""
    from tenants.safeguarding import emails

    return emails.tell_leads(concern_id)


@group_task(name="safeguarding.alert_missed_checkins")
def alert_missed_checkins() -> int:
    """Every few minutes in each group (fanned out by tenancy.dispatch_to_groups from beat):
    alert the coordinators, once, about check-ins past due. Returns how many."""
    from tenants.safeguarding import services

    return services.alert_missed_checkins()
