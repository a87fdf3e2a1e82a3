"""The default kinds of help, named in Spanish too (where a group has not renamed them)."""

from django.db import migrations

NAMES = {
    "shopping": ("Shopping", "Compras"),
    "prescription": ("Prescription pickup", "Recoger recetas"),
    "befriending": ("Befriending call", "Llamada de compañía"),
    "dog_walking": ("Dog walking", "Paseo de perros"),
    "transport": ("Transport", "Transporte"),
    "childcare": ("Childcare", "Cuidado infantil"),
    "other": ("Other", "Otra ayuda"),
}


def name_in_spanish(apps, schema_editor):
    RequestType = apps.get_model("requests", "RequestType")
    for kind in RequestType.objects.filter(code__in=NAMES):
        english, spanish = NAMES[kind.code]
        names = dict(kind.names or {})
        if kind.name == english and not names.get("es"):
            names.setdefault("en", english)
            names["es"] = spanish
            kind.names = names
            kind.save(update_fields=["names"])


class Migration(migrations.Migration):
    dependencies = [("requests", "0011_helprequest_answers")]
    operations = [migrations.RunPython(name_in_spanish, migrations.RunPython.noop)]
