"""A group's data as one zip: a JSON file per table of its schema plus a manifest, without
secrets (password hashes, session and login tokens, two-factor keys, provider credentials,
key-safe codes). Built in the group's schema, streamed through a temporary file."""

from __future__ import annotations

import json
import tempfile
import zipfile
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

# Tables that are secrets or only machinery.
SECRET_TABLES = frozenset({
    "sessions.session", "account.emailconfirmation", "mfa.authenticator",
    "vetting.provideraccount",
})
# Columns that are secrets wherever they appear.
SECRET_COLUMNS = frozenset({"password", "token_hash", "credentials", "keysafe_code",
                            "session_data"})
CHUNK = 2000


@dataclass(frozen=True)
class Bundle:
    file: tempfile.SpooledTemporaryFile  # the zip, at its start
    size: int
    tables: int
    rows: int


def group_models() -> list[type[models.Model]]:
    """Models whose tables are in every group's schema, in a stable order."""
    tenant_apps = set(settings.TENANT_APPS)
    found = [m for m in apps.get_models()
             if m._meta.app_config.name in tenant_apps and not m._meta.proxy
             and m._meta.managed and m._meta.label_lower not in SECRET_TABLES]
    return sorted(found, key=lambda m: m._meta.label_lower)


def columns(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.name not in SECRET_COLUMNS]


def build(*, schema_name: str, group_name: str) -> Bundle:
    """Write the active group's tables (call inside its schema) to a zip."""
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    manifest = {"group": group_name, "schema": schema_name,
                "exported_at": timezone.now().isoformat(), "tables": {},
                "left_out": {"tables": sorted(SECRET_TABLES), "columns": sorted(SECRET_COLUMNS)}}
    total = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for model in group_models():
            names = columns(model)
            name = f"{model._meta.label_lower}.json"
            count = _write_table(archive, name, model._base_manager.order_by("pk").values_list(
                *names).iterator(chunk_size=CHUNK), names)
            manifest["tables"][name] = {"table": model._meta.db_table, "rows": count,
                                        "columns": names}
            total += count
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    size = out.tell()
    out.seek(0)
    return Bundle(file=out, size=size, tables=len(manifest["tables"]), rows=total)


def _write_table(archive: zipfile.ZipFile, name: str, rows, names: list[str]) -> int:
    count = 0
    with archive.open(name, "w") as handle:
        handle.write(b"[")
        for row in rows:
            record = json.dumps(dict(zip(names, row)), cls=DjangoJSONEncoder, ensure_ascii=False)
            handle.write((",\n" if count else "\n").encode() + record.encode())
            count += 1
        handle.write(b"\n]\n")
    return count
