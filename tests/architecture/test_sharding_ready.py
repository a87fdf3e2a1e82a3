"""The rules that let each group's schema move to its own node of a distributed PostgreSQL
(Citus schema-based sharding, deploy/SCALING.md) with the public schema on the coordinator:

1. every primary key is 64-bit (BigAutoField), a UUID, or shares such a key (one-to-one);
2. no foreign key constraint in a group schema references a table outside it;
3. no statement issued while serving a group's pages reads group tables and public-only
   tables together (a join, subquery or insert-select across the two would have to cross
   nodes): a statement reads one side or the other, and code passes ids between them.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from core.geo.cells import cell_for
from core.geo.models import PostcodeCentroid
from core.tenancy.models import Group
from core.testing.people import PASSWORD

OWN_CODE = ("core", "tenants", "billing", "mutualaid")
# Keys we do not choose. Third-party models keep their apps' own migrations (AutoField);
# sessions are keyed by their random session key. Singletons: one row per group, key fixed at 1.
KEYS_ALLOWED = {
    "contenttypes.ContentType": "Django's migrations (public schema only)",
    "auth.Permission": "Django's migrations (public schema only)",
    "auth.Group": "Django's migrations (public schema only)",
    "auth.Group_permissions": "Django's migrations (public schema only)",
    "sessions.Session": "keyed by the session key",
    "account.EmailAddress": "django-allauth's migrations",
    "account.EmailConfirmation": "django-allauth's migrations",
    "matching.PrioritySettings": "one row per group, key fixed at 1",
    "safeguarding.SafeguardingSettings": "one row per group, key fixed at 1",
}


def wide_key(field: models.Field) -> bool:
    if isinstance(field, (models.BigAutoField, models.UUIDField)):
        return True
    return isinstance(field, models.OneToOneField) and wide_key(field.target_field)


def test_every_primary_key_is_64_bit_or_a_uuid():
    narrow = {
        model._meta.label: type(model._meta.pk).__name__
        for model in apps.get_models(include_auto_created=True)
        if not wide_key(model._meta.pk)
    }
    ours = {model._meta.label for model in apps.get_models(include_auto_created=True)
            if model.__module__.split(".")[0] in OWN_CODE}
    unexplained = {label: kind for label, kind in narrow.items() if label not in KEYS_ALLOWED}
    assert not unexplained, f"primary keys that are not BigAutoField or UUID: {unexplained}"
    stale = set(KEYS_ALLOWED) - set(narrow)
    assert not stale, f"allowed exceptions that no longer need to be: {stale}"
    assert ours & set(KEYS_ALLOWED) == {"matching.PrioritySettings",
                                        "safeguarding.SafeguardingSettings"}


@pytest.mark.django_db
def test_no_foreign_key_leaves_a_group_schema(alpha):
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT con.conname, src.relname, dst_ns.nspname, dst.relname
               FROM pg_constraint con
               JOIN pg_class src ON src.oid = con.conrelid
               JOIN pg_namespace src_ns ON src_ns.oid = src.relnamespace
               JOIN pg_class dst ON dst.oid = con.confrelid
               JOIN pg_namespace dst_ns ON dst_ns.oid = dst.relnamespace
               WHERE con.contype = 'f' AND src_ns.nspname = %s""",
            [alpha.slug],
        )
        foreign_keys = cursor.fetchall()
    assert len(foreign_keys) > 10  # the group's own references are there...
    leaving = [fk for fk in foreign_keys if fk[2] != alpha.slug]
    assert not leaving, f"foreign keys from {alpha.slug} into another schema: {leaving}"


# --- statements while serving group pages ---------------------------------------------

IDENTIFIER = re.compile(r'"((?:[^"]|"")+)"|\b([A-Za-z_][A-Za-z0-9_]*)\b')
QUALIFIED = re.compile(r'(?:"public"|\bpublic)\s*\.\s*(?:"([^"]+)"|([A-Za-z_][A-Za-z0-9_]*))')


def tables_in(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class c JOIN pg_namespace n "
                       "ON n.oid = c.relnamespace WHERE n.nspname = %s "
                       "AND c.relkind IN ('r', 'p', 'v', 'm')", [schema])
        return {name for (name,) in cursor.fetchall()}


def sides(sql: str, group_tables: set[str], public_only: set[str]) -> tuple[set, set]:
    """The group tables and public-only tables a statement names. A name in both schemas
    resolves to the group's (search path: group, public) unless qualified with public."""
    qualified = {a or b for a, b in QUALIFIED.findall(sql)}
    names = {a or b for a, b in IDENTIFIER.findall(QUALIFIED.sub(" ", sql))}
    group = names & group_tables
    public = (names & public_only) | (qualified & (public_only | group_tables))
    return group, public


def test_the_classifier_sees_a_join_across_schemas():
    group, public = {"requests_helprequest"}, {"geo_postcodecentroid", "tenancy_domain"}
    assert sides('SELECT * FROM "requests_helprequest" INNER JOIN "geo_postcodecentroid" '
                 'ON ("requests_helprequest"."postcode" = "geo_postcodecentroid"."postcode")',
                 group, public) == ({"requests_helprequest"}, {"geo_postcodecentroid"})
    assert sides("SELECT 1 FROM requests_helprequest WHERE cell IN "
                 "(SELECT cell FROM public.requests_helprequest)", group, public) == (
        {"requests_helprequest"}, {"requests_helprequest"})
    assert sides('SELECT "tenancy_domain"."id" FROM "tenancy_domain"', group, public) == (
        set(), {"tenancy_domain"})


def log_in(client, host, email):
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD},
                           HTTP_HOST=host)
    assert response.status_code == 302, response.content[:300]


@pytest.fixture
def busy_alpha(in_alpha):
    """alpha with postcodes loaded (public), an active volunteer, a request they claimed and
    an open one nearby."""
    from core.accounts.models import User
    from tenants.matching.services import claim_request
    from tenants.requests.models import RequestType
    from tenants.requests.services import advance, submit_request
    from tenants.volunteers.services import Registration, move_volunteer, register_volunteer

    call_command("load_postcodes", country="GB", sample=True, verbosity=0)
    home = (51.5010, -0.1416)
    profile = register_volunteer(registration=Registration(
        name="Vera", email="vera@example.org", password=PASSWORD,
        request_type_codes=["shopping"], radius_km=5.0, max_per_week=3, availability=[],
        location=(*home, cell_for(*home)),
    ))
    move_volunteer(profile_id=profile.pk, move="approve",
                   actor=User.objects.get(role="coordinator"))
    opened = []
    for near in ((51.5033, -0.1196), (51.5020, -0.1300)):
        request, _ = submit_request(
            fields={"type": RequestType.objects.get(code="shopping"), "description": "Milk",
                    "person_name": "Rosa", "person_phone": "0", "lat": near[0],
                    "lng": near[1], "cell": cell_for(*near)},
            submission_key=uuid.uuid4(), channel="phone")
        opened.append(advance(request_id=request.pk, step="open", actor=None))
    claim_request(request_id=opened[0].pk, volunteer_user=profile.user)
    connection.set_schema_to_public()
    return in_alpha, opened, profile, PostcodeCentroid.objects.filter(country="GB").first()


VISITS = {
    None: ["/", "/ask/", "/volunteer/join/", "/accounts/login/"],
    "admin": ["/setup/", "/team/", "/records/", "/setup/types/", "/setup/forms/",
              "/setup/languages/", "/setup/branding/", "/setup/directory/", "/billing/",
              "/vetting/providers/", "/vetting/volunteers/{vera}/", "/safeguarding/"],
    "coordinator": ["/dispatch/", "/dispatch/{first}/", "/volunteers/"],
    "vera": ["/volunteer/nearby/", "/volunteer/tasks/"],
}


@pytest.mark.django_db
def test_group_pages_never_read_group_and_public_tables_in_one_statement(busy_alpha):
    from django.test import Client

    alpha, opened, vera, centroid = busy_alpha
    group_tables = tables_in(alpha.slug)
    public_only = tables_in("public") - group_tables
    assert {"tenancy_domain", "geo_postcodecentroid"} <= public_only
    with CaptureQueriesContext(connection) as captured:
        statuses = {}
        for role, paths in VISITS.items():
            client = Client()
            if role:
                email = vera.user.email if role == "vera" else getattr(alpha, f"{role}_email")
                log_in(client, alpha.host, email)
            for path in paths:
                path = path.format(first=opened[0].pk, vera=vera.pk)
                statuses[path] = client.get(path, HTTP_HOST=alpha.host).status_code
        # Writes that read the public postcode table: a request asked for on the public
        # form, and a coordinator fixing a request's location by postcode.
        anonymous = Client()
        asked = anonymous.post("/ask/", {
            "type": str(opened[0].type_id), "description": "Prescription on Friday",
            "person_name": "Rosa", "person_phone": "07700 900123", "person_email": "",
            "address": "1 High Street", "postcode": centroid.postcode, "urgency": "1",
            "wanted_from": "", "wanted_until": "", "recurrence": "once", "language": "en",
            "submission_key": str(uuid.uuid4())}, HTTP_HOST=alpha.host)
        coordinator = Client()
        log_in(coordinator, alpha.host, alpha.coordinator_email)
        located = coordinator.post(f"/dispatch/{opened[1].pk}/location/",
                                   {"where-postcode": centroid.postcode}, HTTP_HOST=alpha.host)
    assert {path: code for path, code in statuses.items() if code != 200} == {}
    assert (asked.status_code, located.status_code) == (302, 302)

    both, group_read, public_read = [], set(), set()
    for query in captured.captured_queries:
        group, public = sides(query["sql"], group_tables, public_only)
        group_read |= group
        public_read |= public
        if group and public:
            both.append((sorted(group), sorted(public), query["sql"][:300]))
    # The capture saw both sides: the group's requests and people, public postcodes.
    assert {"requests_helprequest", "volunteers_volunteerprofile"} <= group_read
    assert {"geo_postcodecentroid", "tenancy_domain"} <= public_read
    assert not both, "statements reading group and public tables together:\n" + "\n".join(
        map(str, both))
