"""Reads for the dashboard that show people: through the privacy engine, each reveal
audited. (Counts are in figures.py.)"""

from __future__ import annotations

from core.accounts.models import User
from core.privacy.engine import Viewer, show_many
from tenants.reports.figures import Spread

LOAD_FIELDS = ("name", "email")


def who_carries_the_load(spread: Spread, *, viewer: Viewer) -> list[tuple[object, int]]:
    """(the volunteer as `viewer` may see them, tasks) for the busiest few, most first. Their
    email is staff-level, so showing it writes one audit row naming them."""
    users = User.objects.in_bulk([user_id for user_id, _tasks in spread.top])
    found = [(users[user_id], tasks) for user_id, tasks in spread.top if user_id in users]
    shown = show_many(viewer, [user for user, _tasks in found], fields=LOAD_FIELDS,
                      why="dashboard: who carries the load")
    return [(person, tasks) for person, (_user, tasks) in zip(shown, found)]
