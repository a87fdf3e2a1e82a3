"""Each taken request's volunteer, for counting tasks per volunteer: the join from the
timeline hashes this small index instead of reading the whole requests table."""

from django.db import migrations

VOLUNTEERS = """
CREATE INDEX IF NOT EXISTS report_request_volunteers ON requests_helprequest (id)
    INCLUDE (volunteer_id) WHERE volunteer_id IS NOT NULL
"""


class Migration(migrations.Migration):

    dependencies = [("reports", "0001_dashboard_indexes")]

    operations = [
        migrations.RunSQL(VOLUNTEERS, "DROP INDEX IF EXISTS report_request_volunteers"),
    ]
