from core.tenancy.tasks import group_task


@group_task(name="vetting.daily_sweep")
def daily_sweep() -> dict:
    """Once a day in each group (fanned out by tenancy.dispatch_to_groups from beat): expire
    lapsed checks, then remind those about to lapse."""
    from tenants.vetting import selectors, services

    today = selectors.group_today()
    services.forget_old_events(today=today)
    return {"expired": services.expire_lapsed(today=today),
            "reminded": services.send_expiry_reminders(today=today)}
