"""`seed_demo`: the demo group `demo` with an admin, a coordinator and a volunteer, plus
sample volunteers and requests spread over its map (and over the ten deciles of the
synthetic deprivation sample it loads).

Idempotent: run again, it keeps what exists and prints the same logins.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

from core.accounts.models import User
from core.accounts.services import create_member
from core.tenancy.models import Group
from core.tenancy.provisioning import AdminSpec, GroupSpec, provision_group
from mutualaid.signup.demo_data import add_demo_volunteer, seed_demo_activity
from tenants.requests.services import rescore_deprivation

DEMO_SLUG = "demo"
DEMO_PASSWORD = "demo-mutual-aid"  # local development only; printed on purpose
PEOPLE = [
    (User.Role.ADMIN, "Ada Admin", "admin@demo.example.org"),
    (User.Role.COORDINATOR, "Cora Coordinator", "coordinator@demo.example.org"),
    (User.Role.VOLUNTEER, "Victor Volunteer", "volunteer@demo.example.org"),
]


class Command(BaseCommand):
    help = "Create the demo group and its three members (if missing) and print their logins."

    def handle(self, *args, **options):
        from django.core.management import call_command

        # Synthetic sample postcodes (core/geo/data), so the demo can place requests.
        call_command("load_postcodes", country="GB", sample=True, verbosity=0)
        # A synthetic deprivation index over the demo's map (core/geo/data), so its requests
        # carry deciles 1 to 10. Reloaded each time: it replaces itself in one transaction.
        call_command("load_deprivation", sample="gb", verbosity=0)
        group = Group.objects.filter(schema_name=DEMO_SLUG).first()
        if group is None:
            role, name, email = PEOPLE[0]
            result = provision_group(
                spec=GroupSpec(
                    name="Demo Mutual Aid", slug=DEMO_SLUG, country="GB",
                    timezone="Europe/London", default_language="en",
                    map_center_lat=51.5072, map_center_lng=-0.1276,
                ),
                admin=AdminSpec(name=name, email=email, password=DEMO_PASSWORD),
            )
            result.password_stored.result(timeout=30)
            group = Group.objects.get(schema_name=DEMO_SLUG)
        connection.set_tenant(group)
        try:
            role, name, email = PEOPLE[1]
            if not User.objects.filter(email=email).exists():
                create_member(email=email, name=name, role=role, password=DEMO_PASSWORD)
            coordinator = User.objects.get(email=email)
            _role, name, email = PEOPLE[2]
            if not User.objects.filter(email=email).exists():
                add_demo_volunteer(name=name, email=email, password=DEMO_PASSWORD,
                                   near=(group.map_center_lat, group.map_center_lng),
                                   coordinator=coordinator)
            seeded = seed_demo_activity(
                near=(group.map_center_lat, group.map_center_lng),
                coordinator=coordinator,
            )
            rescore_deprivation()  # requests seeded before the sample existed get deciles
            if seeded:  # the demo's impact page (/impact/), published as its admin would
                from core.tenancy.services import set_impact_page

                set_impact_page(group=group, published=True,
                                actor=User.objects.get(email=PEOPLE[0][2]))
        finally:
            connection.set_schema_to_public()
        if seeded:
            self.stdout.write("Added sample volunteers and requests to the demo group.")
        self.stdout.write(f"Demo group: {DEMO_SLUG}.{settings.PLATFORM_DOMAIN}")
        for role, _name, email in PEOPLE:
            self.stdout.write(f"  {role:<12} {email}  password: {DEMO_PASSWORD}")
