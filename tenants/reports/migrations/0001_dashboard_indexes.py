"""Indexes the dashboard reads instead of the tables (tenants.reports.figures): the period's
requests with the columns every breakdown groups by, and the timeline's claims,
assignments and completions with their request. Both are covering, so the figures come from
index-only scans (the tables hold long descriptions). Plain SQL, so fleets migrate on the
fast path."""

from django.db import migrations

ARRIVALS = """
CREATE INDEX IF NOT EXISTS report_request_arrivals ON requests_helprequest (created_at)
    INCLUDE (id, status, type_id, channel, area_cell, volunteer_id)
"""
STEPS = """
CREATE INDEX IF NOT EXISTS report_event_steps ON requests_requestevent (to_status, at)
    INCLUDE (request_id)
"""



class Migration(migrations.Migration):

    dependencies = [
        ("requests", "0013_deprivation_and_planned_day"),
    ]

    operations = [
        migrations.RunSQL(ARRIVALS, "DROP INDEX IF EXISTS report_request_arrivals"),
        migrations.RunSQL(STEPS, "DROP INDEX IF EXISTS report_event_steps"),
    ]
