"""The dashboard page: for coordinators and admins only; charts with their summaries and
tables; bad input explained; each table as CSV, audited, names revealed through the privacy
engine."""

import csv
import io

import pytest
from django.db import connection

from core.audit.models import AuditEntry
from core.tenancy.models import Group
from core.testing.people import PASSWORD
from tenants.reports.dashboard import EXPORTS
from tenants.requests.models import HelpRequest

from reports_history import make_history

pytestmark = pytest.mark.django_db


def login(client, group, email):
    client.post("/accounts/login/", {"login": email, "password": PASSWORD}, HTTP_HOST=group.host)
    connection.set_tenant(Group.objects.get(schema_name=group.slug))
    return client


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_volunteers_and_the_public_are_kept_out(client, in_alpha):
    assert client.get("/reports/", HTTP_HOST=in_alpha.host).status_code == 302  # to log in
    assert client.get("/reports/weeks.csv", HTTP_HOST=in_alpha.host).status_code == 302
    login(client, in_alpha, in_alpha.volunteer_email)
    before = AuditEntry.objects.count()
    assert client.get("/reports/", HTTP_HOST=in_alpha.host).status_code == 403
    assert client.get("/reports/load.csv", HTTP_HOST=in_alpha.host).status_code == 403
    assert AuditEntry.objects.count() == before  # nothing shown, nothing logged


@pytest.mark.parametrize("who", ["coordinator_email", "admin_email"])
def test_coordinators_and_admins_see_charts_and_tables(client, in_alpha, who):
    make_history()
    login(client, in_alpha, getattr(in_alpha, who))
    response = client.get("/reports/", {"weeks": "52", "days": "7"}, HTTP_HOST=in_alpha.host)
    assert response.status_code == 200
    html = response.content.decode()
    page = response.context["page"]
    assert page.period.weeks == 52 and page.days == 7
    first = page.period.mondays[0]  # a Monday in the group's zone, whatever the server's
    assert first.weekday() == 0 and f"52 weeks since {first:%-d %B %Y}" in html
    assert html.count('<svg class="chart-svg"') == len(page.charts) == 6
    assert html.count("<desc id=") == 6 and html.count("<caption>") == len(page.tables) - 1
    assert 'style="' not in html  # the CSP allows no inline styles
    for name in page.tables:
        assert f'href="/reports/{name}.csv?weeks=52&amp;days=7"' in html
    # The load is shown by name, and the reveal of their emails is audited once.
    assert "Vi Helper" in html and "vi@alpha.example.org" in html
    reveal = AuditEntry.objects.get(action="reveal", reason="dashboard: who carries the load")
    assert reveal.fields == ["email"] and reveal.target_type == "accounts.user"
    assert 'id="need-map"' in html and "need-map-data" in html


def test_bad_input_is_explained_and_the_defaults_shown(client, in_alpha):
    login(client, in_alpha, in_alpha.coordinator_email)
    response = client.get("/reports/", {"weeks": "5", "days": "0"}, HTTP_HOST=in_alpha.host)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice." in html and "Enter a number of days from 1 to 365." in html
    assert response.context["page"].period.weeks == 12 and response.context["page"].days == 7
    refused = client.get("/reports/weeks.csv", {"days": "many"}, HTTP_HOST=in_alpha.host)
    assert refused.status_code == 400
    assert refused.content.decode() == "Enter a number of days from 1 to 365."
    assert client.get("/reports/nothing.csv", HTTP_HOST=in_alpha.host).status_code == 404
    assert not AuditEntry.objects.filter(action="reports.export").exists()


def test_every_table_downloads_as_csv_and_each_download_is_audited(client, in_alpha):
    make_history()
    login(client, in_alpha, in_alpha.coordinator_email)
    for name in EXPORTS:
        response = client.get(f"/reports/{name}.csv", {"weeks": "52", "days": "7"},
                              HTTP_HOST=in_alpha.host)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        assert response["Content-Disposition"].startswith(f'attachment; filename="{name}-52w-')
        assert len(csv_rows(response)) > 1
    exports = AuditEntry.objects.filter(action="reports.export").order_by("pk")
    assert [row.data["table"] for row in exports] == list(EXPORTS)
    assert all(row.actor_label == in_alpha.coordinator_email for row in exports)


def test_the_load_csv_goes_through_the_privacy_engine(client, in_alpha):
    history = make_history()
    login(client, in_alpha, in_alpha.coordinator_email)
    rows = csv_rows(client.get("/reports/load.csv", {"weeks": "52"}, HTTP_HOST=in_alpha.host))
    assert rows == [["Volunteer", "Email", "Tasks done"],
                    ["Vi Helper", "vi@alpha.example.org", "2"],
                    ["Wes Helper", "wes@alpha.example.org", "1"]]
    reveal = AuditEntry.objects.get(action="reveal", reason="dashboard: who carries the load")
    assert sorted(reveal.data["ids"]) == sorted([history.vi.pk, history.wes.pk])


def test_csv_cells_cannot_run_as_formulas(client, in_alpha):
    make_history()
    from core.accounts.models import User

    User.objects.filter(email="vi@alpha.example.org").update(name="=HYPERLINK(\"http://x\")")
    login(client, in_alpha, in_alpha.admin_email)
    rows = csv_rows(client.get("/reports/load.csv", {"weeks": "52"}, HTTP_HOST=in_alpha.host))
    assert rows[1][0] == "'=HYPERLINK(\"http://x\")"


def test_the_numbers_on_the_page_are_the_figures(client, in_alpha):
    make_history()
    login(client, in_alpha, in_alpha.coordinator_email)
    page = client.get("/reports/", {"weeks": "52"}, HTTP_HOST=in_alpha.host).context["page"]
    assert page.headline.received == HelpRequest.objects.count() == 8
    assert page.tables["summary"].rows[0][1] == 8
    weeks = page.charts["weeks"]
    assert len(weeks.bars) == 52 and sum(bar.value for bar in weeks.bars) == 8
    assert weeks.series == ("Done", "Could not help", "Cancelled", "Still open")
    assert page.unmet == sum(row[2] for row in page.tables["unmet_types"].rows)
