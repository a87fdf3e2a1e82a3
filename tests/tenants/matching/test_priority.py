"""Equitable priority: the queue ordered in SQL by urgency, waiting time and the area's
deprivation with the group's weights; the explanation coordinators read, which must match
that order; auto-assign and the volunteers' list using it; the admins' weights page."""

import uuid
from datetime import time, timedelta
from decimal import Decimal

import numpy as np
import pytest
from django.utils import timezone

from core.accounts.models import User
from core.audit.models import AuditEntry
from core.errors import Refused
from core.geo.cells import cell_for
from core.testing.people import PASSWORD
from tenants.matching import dispatch, priority
from tenants.matching.models import PrioritySettings
from tenants.matching.priority import DEFAULT_WEIGHTS, Weights, explain
from tenants.matching.services import set_priority_weights
from tenants.requests.models import HelpRequest, RequestType
from tenants.requests.services import advance, submit_request
from tenants.volunteers.models import VolunteerProfile
from tenants.volunteers.services import Registration, move_volunteer, register_volunteer

pytestmark = pytest.mark.django_db
NOW = timezone.now().replace(microsecond=0)
SPOTS = {"home": (51.5010, -0.1416), "near": (51.5033, -0.1196),
         "middle": (51.5200, -0.1000)}


def waiting(*, urgency=1, decile=None, days=0.0, spot="near", code="shopping"):
    """An open request that came in `days` before NOW, in an area of `decile`."""
    lat, lng = SPOTS[spot]
    request, _ = submit_request(
        fields={"type": RequestType.objects.get(code=code), "description": "help",
                "person_name": "Rosa", "person_phone": "1", "lat": lat, "lng": lng,
                "cell": cell_for(lat, lng), "urgency": urgency},
        submission_key=uuid.uuid4(), channel="phone")
    advance(request_id=request.pk, step="open", actor=None)
    HelpRequest.objects.filter(pk=request.pk).update(
        created_at=NOW - timedelta(days=days), deprivation_decile=decile)
    return request.pk


def admin():
    return User.objects.get(role=User.Role.ADMIN)


def set_weights(urgency="1", waiting_="0.5", deprivation="1"):
    set_priority_weights(urgency=Decimal(urgency), waiting=Decimal(waiting_),
                         deprivation=Decimal(deprivation), actor=admin())


@pytest.fixture
def fixture(in_alpha):
    return {
        "deprived_and_waiting": waiting(decile=1, days=3),
        "urgent_but_well_off": waiting(urgency=3, decile=10),
        "soon_area_unknown": waiting(urgency=2, days=1.2),
        "not_urgent_but_deprived": waiting(urgency=0, decile=2, days=2),
        "plain": waiting(days=1 / 1440),
        "plain_later": waiting(days=1 / 2880),
    }


def ordered(**kwargs):
    return list(dispatch.queue(now=NOW, **kwargs))


def names(rows, fixture):
    by_pk = {pk: name for name, pk in fixture.items()}
    return [by_pk[row.pk] for row in rows]


def test_the_formula_is_the_one_the_code_says():
    assert priority.NORMAL_URGENCY == HelpRequest.Urgency.NORMAL
    assert priority.deprivation_lift(1) == 1.0 and priority.deprivation_lift(10) == -1.0
    assert priority.deprivation_lift(None) == 0.0  # an unknown area is neutral
    assert priority.terms(urgency=3, waiting_days=2, decile=1, weights=DEFAULT_WEIGHTS) == (
        2.0, 1.0, 1.0)


def test_the_queue_ranks_by_priority_with_the_explanation_matching_the_order(fixture):
    rows = ordered()
    assert names(rows, fixture) == ["deprived_and_waiting", "soon_area_unknown",
                                    "urgent_but_well_off", "not_urgent_but_deprived", "plain",
                                    "plain_later"]
    why = {name: explain(row) for name, row in zip(names(rows, fixture), rows)}
    assert [str(why[name]) for name in names(rows, fixture)] == [
        "ranked higher: waiting 3 days, most deprived decile",
        "ranked higher: needed today or tomorrow, waiting 1 day",
        "ranked higher: urgent; ranked lower: least deprived decile",
        "ranked higher: waiting 2 days, second most deprived decile; "
        "ranked lower: whenever possible",
        "nothing sets it apart: in the order it came in",
        "nothing sets it apart: in the order it came in",
    ]
    assert [round(why[n].score, 3) for n in names(rows, fixture)] == [
        2.5, 1.6, 1.0, 0.778, 0.0, 0.0]
    # The score the explanation gives is the number the database ordered by.
    assert [why[n].score for n in names(rows, fixture)] == [row.priority for row in rows]


def test_turning_deprivation_off_reorders_and_the_explanation_follows(fixture):
    rows = ordered(weights=Weights(deprivation=0.0))
    assert names(rows, fixture) == ["urgent_but_well_off", "soon_area_unknown",
                                    "deprived_and_waiting", "plain", "plain_later",
                                    "not_urgent_but_deprived"]
    texts = [str(explain(row)) for row in rows]
    assert texts[0] == "ranked higher: urgent"
    assert texts[2] == "ranked higher: waiting 3 days"
    assert not any("deprived" in text for text in texts)


def test_ties_go_to_the_oldest_then_the_lowest_id(fixture):
    # Only urgency counts: the four of normal urgency tie, and come oldest first.
    rows = ordered(weights=Weights(waiting=0.0, deprivation=0.0))
    assert names(rows, fixture) == ["urgent_but_well_off", "soon_area_unknown",
                                    "deprived_and_waiting", "plain", "plain_later",
                                    "not_urgent_but_deprived"]
    HelpRequest.objects.filter(pk__in=[fixture["plain"], fixture["plain_later"]]).update(
        created_at=NOW)
    rows = ordered(weights=Weights(waiting=0.0, deprivation=0.0))
    assert [r.pk for r in rows][3:5] == sorted([fixture["plain"], fixture["plain_later"]])


def test_the_group_weights_apply_and_the_queue_pages_in_sql(fixture):
    set_weights(urgency="3", waiting_="0", deprivation="0")
    assert [r.pk for r in dispatch.queue(now=NOW)[:2]] == [
        fixture["urgent_but_well_off"], fixture["soon_area_unknown"]]


@pytest.mark.parametrize("seed", [1, 2])
def test_sql_and_python_agree_and_the_explanation_sorts_as_the_queue(in_alpha, seed):
    rng = np.random.default_rng(seed)
    weights = Weights(*(float(w) for w in rng.choice([0.0, 0.25, 0.5, 1.0, 3.0], size=3)))
    for _ in range(25):
        waiting(urgency=int(rng.integers(0, 4)), days=float(rng.uniform(0, 6)),
                decile=None if rng.random() < 0.2 else int(rng.integers(1, 11)))
    rows = ordered(weights=weights)
    for row in rows:
        python = priority.terms(urgency=row.urgency, decile=row.deprivation_decile,
                                waiting_days=(NOW - row.created_at).total_seconds() / 86400,
                                weights=weights)
        assert priority.terms_of(row) == pytest.approx(python, abs=1e-9)
    # Sorting by what the explanations say gives the queue's order.
    resorted = sorted(rows, key=lambda r: (-explain(r).score, r.created_at, r.pk))
    assert [r.pk for r in resorted] == [r.pk for r in rows]


def test_auto_assign_gives_the_only_volunteer_to_the_deprived_area(in_alpha):
    profile = register_volunteer(registration=Registration(
        name="Vera", email="vera@example.org", password=PASSWORD,
        request_type_codes=["shopping"], radius_km=5.0, max_per_week=1, languages=["en"],
        availability=[(d, time(9), time(17)) for d in range(7)],
        location=(*SPOTS["home"], cell_for(*SPOTS["home"]))))
    move_volunteer(profile_id=profile.pk, move="approve",
                   actor=User.objects.get(role="coordinator"))
    nearer = waiting(decile=10, spot="near")
    farther = waiting(decile=1, spot="middle")
    pairs, unassigned = dispatch.plan_auto_assign()
    assert [(p.request_id, p.user_id) for p in pairs] == [(farther, profile.user_id)]
    assert [r for r, _ in unassigned] == [nearer]
    set_weights(deprivation="0")  # equal priorities: the nearer one, fewer km
    pairs, _ = dispatch.plan_auto_assign()
    assert [p.request_id for p in pairs] == [nearer]


# --- pages ---------------------------------------------------------------------------------

def login(client, group, email):
    assert client.post("/accounts/login/", {"login": email, "password": PASSWORD},
                       HTTP_HOST=group.host).status_code == 302
    return client


def test_coordinators_see_the_reasons_on_the_queue(client, in_alpha, fixture):
    login(client, in_alpha, in_alpha.coordinator_email)
    html = client.get("/dispatch/", HTTP_HOST=in_alpha.host).content.decode()
    first = html.index(f'data-request="{fixture["deprived_and_waiting"]}"')
    third = html.index(f'data-request="{fixture["urgent_but_well_off"]}"')
    assert first < html.index(f'data-request="{fixture["soon_area_unknown"]}"') < third
    assert "ranked higher: waiting 3 days, most deprived decile" in html
    assert "ranked higher: urgent; ranked lower: least deprived decile" in html
    assert 'href="/setup/priority/"' not in html  # the weights are the admins'
    # Showing the decile is a staff-level reveal: audited like the rest of the queue.
    entry = AuditEntry.objects.filter(reason="dispatch queue").latest("pk")
    assert "deprivation_decile" in entry.fields


def test_the_request_page_says_why_a_waiting_request_ranks_where_it_does(client, in_alpha,
                                                                         fixture):
    login(client, in_alpha, in_alpha.coordinator_email)
    pk = fixture["deprived_and_waiting"]
    html = client.get(f"/dispatch/{pk}/", HTTP_HOST=in_alpha.host).content.decode()
    assert "ranked higher: waiting 3 days, most deprived decile" in html
    HelpRequest.objects.filter(pk=pk).update(status=HelpRequest.Status.DONE)
    html = client.get(f"/dispatch/{pk}/", HTTP_HOST=in_alpha.host).content.decode()
    assert "ranked higher" not in html  # no longer waiting: no place in the queue


def test_the_first_rows_of_the_queue_come_with_suggestions_the_rest_link_to_theirs(
        client, in_alpha):
    from tenants.matching.dispatch_views import SUGGESTED_ROWS

    pks = [waiting(days=day) for day in range(SUGGESTED_ROWS + 2, 0, -1)]  # oldest first
    login(client, in_alpha, in_alpha.coordinator_email)
    html = client.get("/dispatch/", HTTP_HOST=in_alpha.host).content.decode()
    for rank, pk in enumerate(pks):
        row = html[html.index(f'data-request="{pk}"'):]
        row = row[:row.index("</li>")]
        linked = f'href="/dispatch/{pk}/">Suggested volunteers for this request' in row
        assert linked == (rank >= SUGGESTED_ROWS), (rank, row)


def test_volunteers_can_sort_nearby_by_priority_without_seeing_why(client, in_alpha):
    profile = register_volunteer(registration=Registration(
        name="Vera", email="vera@example.org", password=PASSWORD,
        request_type_codes=["shopping", "befriending"], radius_km=4.0,
        availability=[(0, time(9), time(17))],
        location=(*SPOTS["home"], cell_for(*SPOTS["home"]))))
    VolunteerProfile.objects.filter(pk=profile.pk).update(vetting_level=1)  # befriending's
    move_volunteer(profile_id=profile.pk, move="approve",
                   actor=User.objects.get(role="coordinator"))
    near = waiting(decile=10, spot="near")
    middle = waiting(decile=1, spot="middle", days=1)
    call = waiting(code="befriending", decile=5)
    login(client, in_alpha, "vera@example.org")
    by_distance = client.get("/volunteer/nearby/", HTTP_HOST=in_alpha.host)
    assert [r.id for r in by_distance.context["rows"]] == [call, near, middle]
    by_priority = client.get("/volunteer/nearby/?order=priority", HTTP_HOST=in_alpha.host)
    assert [r.id for r in by_priority.context["rows"]] == [middle, call, near]
    html = by_priority.content.decode()
    assert "deprived" not in html and "ranked higher" not in html
    assert '<option value="priority" selected>' in html


def test_admins_set_the_weights_audited_and_the_checklist_ticks(client, in_alpha):
    from tenants.home.selectors import setup_checklist

    login(client, in_alpha, in_alpha.admin_email)
    page = client.get("/setup/priority/", HTTP_HOST=in_alpha.host)
    assert page.status_code == 200
    assert page.context["form"]["deprivation"].value() == 1.0
    [item] = [i for i in setup_checklist(user=admin()) if i.key == "priority"]
    assert (item.done, item.url) == (False, "/setup/priority/")

    saved = client.post("/setup/priority/", {"urgency": "2", "waiting": "0.25",
                                             "deprivation": "3.5"}, HTTP_HOST=in_alpha.host)
    assert saved.status_code == 302 and saved["Location"] == "/setup/"
    assert priority.group_weights() == Weights(2.0, 0.25, 3.5)
    entry = AuditEntry.objects.get(action="matching.priority_weights")
    assert entry.actor == admin()
    assert entry.data == {
        "from": {"urgency_weight": "1.00", "waiting_weight": "0.50",
                 "deprivation_weight": "1.00"},
        "to": {"urgency_weight": "2.00", "waiting_weight": "0.25",
               "deprivation_weight": "3.50"}}
    [item] = [i for i in setup_checklist(user=admin()) if i.key == "priority"]
    assert item.done


@pytest.mark.parametrize("field, value, message", [
    ("deprivation", "-1", "Choose a number from 0 to 10."),
    ("urgency", "10.5", "Choose a number from 0 to 10."),
    ("waiting", "lots", "Enter a number, like 1 or 0.5."),
    ("waiting", "0.125", "Use at most two decimals, like 0.25."),
    ("deprivation", "", "Enter a number; 0 turns this factor off."),
])
def test_bad_weights_are_refused_and_change_nothing(client, in_alpha, field, value, message):
    login(client, in_alpha, in_alpha.admin_email)
    data = {"urgency": "1", "waiting": "0.5", "deprivation": "1", field: value}
    refused = client.post("/setup/priority/", data, HTTP_HOST=in_alpha.host)
    assert refused.status_code == 400
    assert message in refused.content.decode()
    assert not PrioritySettings.objects.exists()
    assert not AuditEntry.objects.filter(action="matching.priority_weights").exists()


def test_only_admins_set_weights(client, in_alpha):
    login(client, in_alpha, in_alpha.coordinator_email)
    assert client.get("/setup/priority/", HTTP_HOST=in_alpha.host).status_code == 403
    assert client.post("/setup/priority/", {"urgency": "0", "waiting": "0",
                                            "deprivation": "9"},
                       HTTP_HOST=in_alpha.host).status_code == 403
    with pytest.raises(Refused):
        set_priority_weights(urgency=Decimal(1), waiting=Decimal(1), deprivation=Decimal(1),
                             actor=User.objects.get(role=User.Role.COORDINATOR))
    with pytest.raises(Refused):
        set_priority_weights(urgency=Decimal(1), waiting=Decimal("NaN"),
                             deprivation=Decimal(1), actor=admin())
    assert not PrioritySettings.objects.exists()


def test_one_groups_weights_are_not_anothers(in_alpha, beta):
    from django.db import connection

    from core.tenancy.models import Group

    set_weights(deprivation="7")
    assert priority.group_weights().deprivation == 7.0
    connection.set_tenant(Group.objects.get(schema_name=beta.slug))
    assert priority.group_weights() == DEFAULT_WEIGHTS
