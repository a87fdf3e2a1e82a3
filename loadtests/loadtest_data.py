"""What `make loadtest` runs against: a fleet of groups, a few hundred of them busy.

- The fleet: GROUPS groups made by core/tenancy/fleet.py (`fleet-00001`...), each with its
  admin (`admin@<slug>.example.org`, password FLEET_PASSWORD).
- The busy groups (`data_slugs`, spread evenly over the fleet) get, in one transaction each:
  through the services people use, a coordinator and VOLUNTEER_LOGINS active volunteers
  living near the group's centre (the load test's logins, password PASSWORD), the demo
  group's sample people and requests (platform/mutualaid/signup/demo_data.py) and a
  question of the group's own on the request form; in bulk, OPEN_EXTRA more open requests
  within a few km (so a volunteer's nearby list has a full first page and the coordinators'
  queue is longer than the 50 rows it shows: requests added during a run do not change
  what a page costs) and HISTORY closed requests from the last year with their timelines
  (what reports read). A group seeded once is kept; its coordinator is the mark, with
  DATA_VERSION in the name (another version is refused: make a new database).

What the load test adds is taken away after each run (`remove_load_test_traces`): the
requests its visitors sent through the public form (their name is VISITOR_NAME) and the
groups its signups made (slugs starting with SIGNUP_PREFIX). Volunteers give back what they
claim in the same task, so the data the next run meets is the same.
"""

from __future__ import annotations

import random
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, connections, transaction
from django.utils import timezone

from core.tenancy.fleet import FLEET_PASSWORD, fleet_slug, seed_fleet

DATA_VERSION = 1
PASSWORD = "loadtest-password-1"  # the coordinators' and volunteers' logins
VOLUNTEER_LOGINS = 10
OPEN_EXTRA = 40
HISTORY = 300
VISITOR_NAME = "Load test visitor"  # the public-form users' requests, removed after a run
SIGNUP_PREFIX = "lt-"  # the groups the signup users make, dropped after a run
QUESTION = "Is there a pet in the home?"


def data_slugs(groups: int, data_groups: int) -> list[str]:
    """`data_groups` fleet slugs spread evenly over the first `groups`."""
    count = max(1, min(groups, data_groups))
    return [fleet_slug(1 + (i * groups) // count) for i in range(count)]


def coordinator_email(slug: str) -> str:
    return f"coordinator@{slug}.example.org"


def volunteer_email(slug: str, number: int) -> str:
    return f"volunteer{number}@{slug}.example.org"


def admin_email(slug: str) -> str:
    return f"admin@{slug}.example.org"  # made by the fleet seeder


def prepare(*, groups: int, data_groups: int, log=print) -> dict:
    """The fleet and its busy groups, made where missing. Returns what it did."""
    from django.core.management import call_command

    started = time.perf_counter()
    # The sample postcode table (public schema) the demo's people and requests are placed by.
    call_command("load_postcodes", country="GB", sample=True, verbosity=0)
    fleet = _seed_fleet(groups, log)
    slugs = data_slugs(groups, data_groups)
    seeded = seed_busy_groups(slugs, log=log)
    return {"fleet_created": fleet["created"], "data_groups_seeded": seeded,
            "prepare_s": round(time.perf_counter() - started, 1)}


def _seed_fleet(groups: int, log, attempts: int = 4) -> dict:
    """seed_fleet, again with smaller batches when PostgreSQL runs out of lock slots (each
    group's ~150 relations are locked until its batch commits, and the lock table is shared
    with whatever else the server is doing). A failed batch leaves nothing behind."""
    from django.db import OperationalError

    batch = 10
    for attempt in range(1, attempts + 1):
        try:
            return seed_fleet(groups, batch_size=batch, progress=lambda done, total: done % 1000
                              < batch and log(f"  fleet: {done}/{total} groups to make"))
        except OperationalError as exc:
            if "out of shared memory" not in str(exc) or attempt == attempts:
                raise
            batch = max(1, batch // 2)
            log(f"  fleet: PostgreSQL is out of lock slots; again, {batch} groups a batch")
    raise AssertionError("unreachable")


def seed_busy_groups(slugs: list[str], *, workers: int = 2, log=print) -> int:
    from core.tenancy.models import Group

    groups = {g.schema_name: g for g in Group.objects.filter(schema_name__in=slugs)}
    missing = [s for s in slugs if s not in groups]
    if missing:
        raise RuntimeError(f"fleet groups missing: {missing[:5]}")
    password_hash = make_password(PASSWORD)  # once: hashing is slow on purpose
    done = 0

    def seed(slug: str) -> bool:
        try:
            return seed_busy_group(groups[slug], password_hash)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for i, made in enumerate(pool.map(seed, slugs), 1):
            done += made
            if made and done % 25 == 0:
                log(f"  busy groups: {i}/{len(slugs)}")
    return done


def seed_busy_group(group, password_hash: str) -> bool:
    """One group's people and requests, all or nothing. False if it has them already."""
    from core.accounts.models import User
    from core.accounts.services import create_member

    connection.set_tenant(group)
    try:
        name = f"Coordinator (load test v{DATA_VERSION})"
        if User.objects.filter(email=coordinator_email(group.schema_name), name=name).exists():
            return False
        if User.objects.filter(email=coordinator_email(group.schema_name)).exists():
            raise RuntimeError(f"{group.schema_name} was seeded by another version of "
                               "loadtest_data.py: make a new database (LOADTEST_RESEED=1)")
        with transaction.atomic():
            near = (group.map_center_lat, group.map_center_lng)
            coordinator = create_member(email=coordinator_email(group.schema_name), name=name,
                                        role=User.Role.COORDINATOR, password=None)
            logins = [coordinator.pk, *_add_volunteer_logins(group.schema_name, near,
                                                             coordinator)]
            User.objects.filter(pk__in=logins).update(password=password_hash)
            _add_demo_activity(near, coordinator)
            rng = random.Random(group.schema_name)
            _add_open_requests(rng, near)
            _add_question(group.schema_name)
            _add_history(rng, near)
        return True
    finally:
        connection.set_schema_to_public()


def _add_volunteer_logins(slug: str, near, coordinator) -> list[int]:
    from mutualaid.signup.demo_data import add_demo_volunteer
    from tenants.volunteers.models import VolunteerProfile

    profiles = [
        add_demo_volunteer(name=f"Volunteer {n}", email=volunteer_email(slug, n), password=None,
                           near=(near[0] + 0.004 * (n % 3 - 1), near[1] + 0.006 * (n % 5 - 2)),
                           coordinator=coordinator)
        for n in range(1, VOLUNTEER_LOGINS + 1)
    ]
    # Two load-test users may share a login in the one-group run: room for both weeks' claims.
    VolunteerProfile.objects.filter(pk__in=[p.pk for p in profiles]).update(max_per_week=20)
    return [p.user_id for p in profiles]


def _add_demo_activity(near, coordinator) -> None:
    from mutualaid.signup.demo_data import seed_demo_activity

    seed_demo_activity(near=near, coordinator=coordinator)


def _add_open_requests(rng: random.Random, near) -> None:
    """OPEN_EXTRA open requests within about 5 km, made today."""
    from tenants.requests.models import HelpRequest

    S = HelpRequest.Status
    _bulk_requests(rng, [S.OPEN] * OPEN_EXTRA, near=near, spread=(0.04, 0.06),
                   days_ago=(0.5, 3), name="{first} (sample)")


def _add_question(slug: str) -> None:
    from core.accounts.models import User
    from tenants.forms.models import CustomField
    from tenants.forms.services import FieldSpec, add_field

    admin = User.objects.get(email=admin_email(slug))
    add_field(form=CustomField.Form.REQUEST, actor=admin,
              spec=FieldSpec(kind=CustomField.Kind.YES_NO, labels={"en": QUESTION},
                             help_texts={"en": "So the volunteer knows before they arrive."}))


def _add_history(rng: random.Random, near) -> None:
    """HISTORY closed requests from the last year (8 days old at least, so none counts in a
    volunteer's week)."""
    from tenants.requests.models import HelpRequest

    S = HelpRequest.Status
    statuses = rng.choices([S.DONE, S.CANCELLED, S.COULD_NOT_HELP], [0.8, 0.12, 0.08],
                           k=HISTORY)
    _bulk_requests(rng, statuses, near=near, spread=(0.1, 0.15), days_ago=(8, 365),
                   name="Past request {i}")


def _bulk_requests(rng: random.Random, statuses: list[str], *, near, spread, days_ago,
                   name: str) -> None:
    """Requests in the given statuses with the timelines that led there, `days_ago` old,
    around `near` (written in bulk, then dated in one statement each)."""
    from core.accounts.models import User
    from core.geo.cells import SEARCH_RESOLUTION, STORAGE_RESOLUTION, cell_for
    from mutualaid.signup.demo_data import FIRST, NEEDS
    from tenants.requests.models import HelpRequest, RequestEvent, RequestType

    S = HelpRequest.Status
    types = {t.code: t for t in RequestType.objects.filter(active=True)}
    codes = [c for c in NEEDS if c in types]
    volunteers = list(User.objects.filter(role=User.Role.VOLUNTEER).values_list("pk", flat=True))
    today = timezone.localdate()
    rows, steps, ages = [], [], []
    for i, status in enumerate(statuses):
        lat = near[0] + rng.uniform(-spread[0], spread[0])
        lng = near[1] + rng.uniform(-spread[1], spread[1])
        code = rng.choice(codes)
        helped = status == S.DONE
        rows.append(HelpRequest(
            type=types[code], description=rng.choice(NEEDS[code]),
            person_name=name.format(i=i + 1, first=rng.choice(FIRST)),
            person_phone="07700 900000", address=f"{i + 1} Sample Road", lat=lat, lng=lng,
            cell=cell_for(lat, lng, STORAGE_RESOLUTION),
            area_cell=cell_for(lat, lng, SEARCH_RESOLUTION), location_status="located",
            urgency=rng.choice([0, 1, 1, 2, 3]), status=status,
            channel=rng.choice(["web", "web", "phone", "email", "social"]),
            wanted_from=today + timedelta(days=rng.randint(0, 6)) if status == S.OPEN else None,
            volunteer_id=rng.choice(volunteers) if helped else None,
            submission_key=uuid.uuid4()))
        path = [S.NEW, S.OPEN] + ([S.CLAIMED, S.IN_PROGRESS, S.DONE] if helped
                                  else [status] if status != S.OPEN else [])
        steps.append(list(zip([""] + path[:-1], path)))
        ages.append(timedelta(days=rng.uniform(*days_ago)))
    made = HelpRequest.objects.bulk_create(rows)
    RequestEvent.objects.bulk_create(
        RequestEvent(request=row, from_status=a, to_status=b)
        for row, path in zip(made, steps) for a, b in path)
    ids = [row.pk for row in made]
    with connection.cursor() as cursor:
        # Each request came in `age` ago; each step of its timeline took six hours.
        cursor.execute(
            "UPDATE requests_helprequest r SET created_at = now() - v.age, "
            "updated_at = now() - v.age + interval '6 hours' * v.steps "
            "FROM unnest(%s::bigint[], %s::interval[], %s::int[]) AS v(id, age, steps) "
            "WHERE r.id = v.id", [ids, ages, [len(p) - 1 for p in steps]])
        cursor.execute(
            "UPDATE requests_requestevent e SET at = r.created_at + interval '6 hours' * "
            "(SELECT count(*) FROM requests_requestevent p WHERE p.request_id = e.request_id "
            "AND p.id < e.id) FROM requests_helprequest r "
            "WHERE e.request_id = r.id AND r.id = ANY(%s)", [ids])


def remove_load_test_traces(posted_to: set[str]) -> dict:
    """The requests load-test visitors sent (in the groups they sent them to) and the groups
    its signups made."""
    from core.tenancy.fleet import drop_groups
    from core.tenancy.models import Group
    from tenants.requests.models import HelpRequest

    removed = 0
    for group in Group.objects.filter(schema_name__in=sorted(posted_to)):
        connection.set_tenant(group)
        try:
            removed += HelpRequest.objects.filter(person_name=VISITOR_NAME).delete()[1].get(
                "requests.HelpRequest", 0)
        finally:
            connection.set_schema_to_public()
    dropped = drop_groups(Group.objects.filter(schema_name__startswith=SIGNUP_PREFIX))
    return {"visitor_requests_removed": removed, "signup_groups_dropped": dropped}


def manifest(*, groups: int, data_groups: int, port: int, domain: str) -> dict:
    """What the Locust users need to know: hosts and logins (the rest they find on pages)."""
    return {
        "port": port, "domain": domain,
        "groups": [fleet_slug(n) for n in range(1, groups + 1)],
        "data_groups": data_slugs(groups, data_groups),
        "volunteer_logins": VOLUNTEER_LOGINS, "password": PASSWORD,
        "admin_password": FLEET_PASSWORD, "visitor_name": VISITOR_NAME,
        "signup_prefix": SIGNUP_PREFIX,
    }

