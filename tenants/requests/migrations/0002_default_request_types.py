"""The kinds of help every new group starts with (copied into each group with the template)."""

from django.db import migrations

DEFAULTS = [
    # code, name, icon, mode, vetting level (0 none, 1 basic, 2 enhanced)
    ("shopping", "Shopping", "🛒", "in_person", 0),
    ("prescription", "Prescription pickup", "💊", "in_person", 1),
    ("befriending", "Befriending call", "☎️", "remote", 1),
    ("dog_walking", "Dog walking", "🐕", "in_person", 0),
    ("transport", "Transport", "🚗", "in_person", 1),
    ("childcare", "Childcare", "🧸", "in_person", 2),
    ("other", "Other", "🤝", "in_person", 0),
]


def add_defaults(apps, schema_editor):
    RequestType = apps.get_model("requests", "RequestType")
    for position, (code, name, icon, mode, vetting) in enumerate(DEFAULTS):
        RequestType.objects.get_or_create(
            code=code,
            defaults={"name": name, "icon": icon, "mode": mode, "vetting_level": vetting,
                      "position": position},
        )


class Migration(migrations.Migration):
    dependencies = [("requests", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
