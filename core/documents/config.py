"""The `documents` entry of Django's STORAGES, built from settings. Imported by the settings
module (and by the test fixtures, so tests run the configuration production runs): it must
not import Django's storage machinery."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BACKENDS = ("local", "s3")


def storage_config(*, backend: str, root: str | Path = "", bucket: str = "",
                   endpoint_url: str | None = None, region: str | None = None,
                   addressing_style: str | None = None, lifetime: int = 60,
                   access_key: str | None = None, secret_key: str | None = None) -> dict:
    """`local`: files under `root`, readable by this process only. `s3`: a private bucket,
    presigned URLs only. Without `access_key`, boto3 finds credentials itself (environment,
    instance role), so no secret has to pass through the settings."""
    if backend == "local":
        return {
            "BACKEND": "core.documents.storage.GroupFileSystemStorage",
            "OPTIONS": {"location": str(root), "file_permissions_mode": 0o600,
                        "directory_permissions_mode": 0o700},
        }
    if backend == "s3":
        options = {
            "bucket_name": bucket, "endpoint_url": endpoint_url or None,
            "region_name": region or None, "addressing_style": addressing_style or None,
            "default_acl": "private", "querystring_auth": True, "querystring_expire": lifetime,
            "signature_version": "s3v4",
        }
        if access_key:
            options.update(access_key=access_key, secret_key=secret_key)
        return {"BACKEND": "core.documents.storage.GroupS3Storage", "OPTIONS": options}
    raise ImproperlyConfigured(f"DOCUMENTS_BACKEND must be one of {BACKENDS}, not {backend!r}")
