"""The default kinds of help, named in Spanish too (where a group has not renamed them).

Plain SQL, not RunPython: the same statement runs in every group's schema, so the fleet
migrates on the fast path (core/tenancy/fleet_migrations)."""

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


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


SQL = "\n".join(
    "UPDATE requests_requesttype SET names = jsonb_build_object("
    f"'en', {_quote(english)}) || COALESCE(names, '{{}}'::jsonb) || jsonb_build_object("
    f"'es', {_quote(spanish)}) WHERE code = {_quote(code)} AND name = {_quote(english)} "
    "AND COALESCE(names ->> 'es', '') = '';"
    for code, (english, spanish) in NAMES.items()
)


class Migration(migrations.Migration):
    dependencies = [("requests", "0011_helprequest_answers")]
    operations = [migrations.RunSQL(SQL, migrations.RunSQL.noop)]
