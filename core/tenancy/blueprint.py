"""Build group schemas by replaying SQL captured from the template schema.

Running Django's migrations for every new group takes seconds; replaying the template's
DDL takes milliseconds. After migrations run, `capture()` reads the template schema from the
catalog and writes one script with unqualified names; `build()` runs it with the search path
set to the new schema. The template's rows (migration history, content types, permissions)
are copied, so later migrations see the new schema exactly as they see the template.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import connection

from core.tenancy.models import SchemaBlueprint


class UnsupportedTemplateObject(RuntimeError):
    """The template holds something the replay does not know how to copy."""


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _rows(sql: str, params: list | tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def migration_rows(schema: str) -> list[tuple[str, str]]:
    return _rows(f"SELECT app, name FROM {quote(schema)}.django_migrations ORDER BY app, name")


def migration_fingerprint(schema: str) -> str:
    return fingerprint_of(migration_rows(schema))


def fingerprint_of(rows: list[tuple[str, str]]) -> str:
    """A migration state: (app, name) rows in the database's `ORDER BY app, name` order."""
    return hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()


def capture(schema: str) -> str:
    """Return the SQL that rebuilds `schema` (tables, data, constraints, indexes)."""
    # With only this schema on the search path, pg_get_*def() leave its names unqualified.
    previous = connection.tenant
    connection.set_schema(schema, include_public=False)
    try:
        return "\n".join(_capture(schema))
    finally:
        connection.set_tenant(previous)


def _capture(schema: str):
    (namespace,) = _rows("SELECT oid FROM pg_namespace WHERE nspname = %s", [schema])[0]
    _refuse_unsupported(namespace)
    tables = _rows(
        "SELECT oid, relname FROM pg_class WHERE relnamespace = %s AND relkind = 'r' "
        "ORDER BY relname",
        [namespace],
    )
    for oid, table in tables:
        yield f"CREATE TABLE {quote(table)} ({', '.join(_column_defs(oid))});"
    for oid, table in tables:
        yield from _copy_rows(schema, oid, table)
    # Keys and checks, then plain indexes, then foreign keys: a foreign key may need a
    # unique index to point at.
    yield from _constraints(namespace, "co.contype IN ('p', 'u', 'c', 'x')")
    yield from _indexes(schema, namespace)
    yield from _constraints(namespace, "co.contype = 'f'")


def _constraints(namespace: int, kinds: str):
    rows = _rows(
        "SELECT cl.relname, co.conname, pg_get_constraintdef(co.oid) FROM pg_constraint co "
        f"JOIN pg_class cl ON cl.oid = co.conrelid WHERE cl.relnamespace = %s AND {kinds} "
        "ORDER BY cl.relname, co.conname",
        [namespace],
    )
    for table, name, definition in rows:
        yield f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition};"


def _indexes(schema: str, namespace: int, only: list[str] | None = None):
    rows = _rows(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class ic ON ic.oid = i.indexrelid WHERE ic.relnamespace = %s "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint co WHERE co.conindid = i.indexrelid "
        "AND co.conrelid = i.indrelid AND co.contype IN ('p', 'u', 'x')) "
        "AND (%s::text[] IS NULL OR ic.relname = ANY (%s::text[])) ORDER BY ic.relname",
        [namespace, only, only],
    )
    # pg_get_indexdef() always qualifies the table: drop this schema's qualifier.
    (qualifier,) = _rows("SELECT quote_ident(%s) || '.'", [schema])[0]
    for (definition,) in rows:
        yield definition.replace(f" ON {qualifier}", " ON ", 1).replace(
            f" ON ONLY {qualifier}", " ON ONLY ", 1) + ";"


def _refuse_unsupported(namespace: int) -> None:
    """Fail loudly on anything the replay would not copy, rather than build partial schemas."""
    odd = _rows(
        "SELECT relname, relkind::text FROM pg_class c WHERE relnamespace = %s "
        "AND relkind NOT IN ('r', 'i', 'S') "
        "OR (relnamespace = %s AND relkind = 'S' AND NOT EXISTS ("
        "  SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'i'))",
        [namespace, namespace],
    )
    odd += _rows(
        "SELECT proname, 'function' FROM pg_proc WHERE pronamespace = %s "
        "UNION ALL SELECT typname, 'type' FROM pg_type WHERE typnamespace = %s AND typtype <> 'c' "
        "AND typrelid = 0 AND typelem = 0 "
        "UNION ALL SELECT collname, 'collation' FROM pg_collation WHERE collnamespace = %s "
        "UNION ALL SELECT t.tgname, 'trigger' FROM pg_trigger t JOIN pg_class c "
        "  ON c.oid = t.tgrelid WHERE c.relnamespace = %s AND NOT t.tgisinternal "
        "UNION ALL SELECT p.polname, 'policy' FROM pg_policy p JOIN pg_class c "
        "  ON c.oid = p.polrelid WHERE c.relnamespace = %s "
        "UNION ALL SELECT c.relname, 'row security' FROM pg_class c "
        "  WHERE c.relnamespace = %s AND c.relrowsecurity "
        "UNION ALL SELECT r.rulename, 'rule' FROM pg_rewrite r JOIN pg_class c "
        "  ON c.oid = r.ev_class WHERE c.relnamespace = %s AND c.relkind = 'r'",
        [namespace] * 7,
    )
    if odd:
        raise UnsupportedTemplateObject(f"the template schema holds objects replay skips: {odd}")


def _column_defs(table_oid: int) -> list[str]:
    columns = _rows(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity, "
        "a.attgenerated, pg_get_expr(d.adbin, d.adrelid), "
        "CASE WHEN a.attcollation <> t.typcollation THEN "
        "  quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END "
        "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
        "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "LEFT JOIN pg_collation co ON co.oid = a.attcollation "
        "LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace "
        "WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
        [table_oid],
    )
    defs = []
    for name, type_, not_null, identity, generated, default, collation in columns:
        parts = [quote(name), type_]
        if collation:
            parts.append(f"COLLATE {collation}")  # schema-qualified, quoted above
        if identity:
            parts.append("GENERATED " + ("ALWAYS" if identity == "a" else "BY DEFAULT") +
                         " AS IDENTITY")
        elif generated == "s":
            parts.append(f"GENERATED ALWAYS AS ({default}) STORED")
        elif default is not None:
            parts.append(f"DEFAULT {default}")
        if not_null:
            parts.append("NOT NULL")
        defs.append(" ".join(parts))
    return defs


def _copy_rows(schema: str, table_oid: int, table: str):
    """The template's rows as literal values: the blueprint stands alone, so a schema built
    from it always matches it, whatever the template has become since."""
    columns = _rows(
        "SELECT attname, attidentity, format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = %s AND attnum > 0 AND NOT attisdropped AND attgenerated = '' "
        "ORDER BY attnum",
        [table_oid],
    )
    names = ", ".join(quote(name) for name, _, _ in columns)
    rows = _rows(f"SELECT {names} FROM {quote(schema)}.{quote(table)} ORDER BY 1")
    if not rows:
        return
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    json_columns = {i for i, (_, _, type_) in enumerate(columns) if type_ in ("json", "jsonb")}
    with connection.cursor() as cursor:
        values = ",\n".join(
            cursor.cursor.mogrify(placeholders, _adapt(row, json_columns)) for row in rows
        )
    yield f"INSERT INTO {quote(table)} ({names}) OVERRIDING SYSTEM VALUE VALUES\n{values};"
    for name, identity, _ in columns:
        if identity:
            qualified = f"{quote(schema)}.{quote(table)}"
            (last, called) = _rows(
                f"SELECT last_value, is_called FROM "
                f"{_rows('SELECT pg_get_serial_sequence(%s, %s)', [qualified, name])[0][0]}"
            )[0]
            if called:
                yield (
                    f"SELECT setval(pg_get_serial_sequence('{quote(table)}', '{name}'), {last});"
                )


def _adapt(row: tuple, json_columns: set[int]) -> tuple:
    import json

    from psycopg.types.json import Jsonb

    # Django's psycopg 3 backend reads json/jsonb as their text: parse it, or Jsonb would
    # store the text itself as one JSON string ('{}' -> '"{}"').
    return tuple(Jsonb(json.loads(v) if isinstance(v, str) else v)
                 if i in json_columns and v is not None else v for i, v in enumerate(row))


def refresh() -> SchemaBlueprint:
    """Capture the template after migrations; keep one blueprint per migration state."""
    schema = settings.TEMPLATE_SCHEMA
    _settle_index_expressions(schema)
    fingerprint = migration_fingerprint(schema)
    blueprint, _ = SchemaBlueprint.objects.update_or_create(
        fingerprint=fingerprint, defaults={"sql": capture(schema)}
    )
    SchemaBlueprint.objects.exclude(pk=blueprint.pk).delete()
    return blueprint


def _settle_index_expressions(schema: str) -> None:
    """Rebuild the template's expression and partial indexes from their own printed
    definitions. PostgreSQL may print a predicate differently from how it was first written
    (`type IN (...)` from a migration comes back as `= ANY (ARRAY[...]::text[])`, which
    parses to yet another form), so only after one round trip do the template and the
    schemas replayed from it read alike."""
    previous = connection.tenant
    connection.set_schema(schema, include_public=False)
    try:
        (namespace,) = _rows("SELECT oid FROM pg_namespace WHERE nspname = %s", [schema])[0]
        names = [name for (name,) in _rows(
            "SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
            "WHERE ic.relnamespace = %s AND (i.indpred IS NOT NULL OR i.indexprs IS NOT NULL) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint co WHERE co.conindid = i.indexrelid)",
            [namespace],
        )]
        definitions = {name: next(_indexes(schema, namespace, only=[name])) for name in names}
        with connection.cursor() as cursor:
            for name, definition in definitions.items():
                cursor.execute(f"DROP INDEX {quote(name)}; {definition}")
    finally:
        connection.set_tenant(previous)


def current_fingerprint() -> str:
    """The current blueprint's fingerprint, without loading its SQL."""
    fingerprint = SchemaBlueprint.objects.order_by("-created_at").values_list(
        "fingerprint", flat=True
    ).first()
    if fingerprint is None:
        raise RuntimeError("no schema blueprint: run `manage.py migrate` first")
    return fingerprint


def current() -> SchemaBlueprint:
    try:
        return SchemaBlueprint.objects.latest()
    except SchemaBlueprint.DoesNotExist:
        raise RuntimeError("no schema blueprint: run `manage.py migrate` first") from None


def build(schema: str, blueprint: SchemaBlueprint | None = None) -> str:
    """Create `schema` and everything in it. Run inside the caller's transaction.
    Returns the migration fingerprint it was built at."""
    blueprint = blueprint or current()
    sql = blueprint.sql
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA {quote(schema)}; SET search_path = {quote(schema)};\n"
                           + sql)
    finally:
        # The SET above bypassed django-tenants; make it issue its own on the next cursor.
        connection.set_schema_to_public()
    return blueprint.fingerprint
