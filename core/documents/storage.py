"""Storage classes that keep each group to its own prefix, `groups/<schema>/`.

A name handed to `save` keeps only its extension: the key is a random uuid under the current
group's prefix, so it says nothing about the file or its owner and cannot be guessed. Every
other operation refuses a key outside the current group's prefix: code running for beta can
never open, sign, size or delete a file of alpha's, whatever key it is given.
"""

from __future__ import annotations

import posixpath
import re
import uuid

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.utils.http import content_disposition_header
from django_tenants.utils import get_public_schema_name
from storages.backends.s3 import S3Storage

from core.documents.local_links import make_link

_EXTENSION = re.compile(r"\.[a-z0-9]{1,8}")


def documents_storage():
    """The configured `documents` storage (settings.STORAGES["documents"])."""
    return storages["documents"]


def group_prefix(schema_name: str | None = None) -> str:
    """`groups/<schema>/` for the current group; refuses outside a group (public schema)."""
    schema = schema_name or connection.schema_name
    if not schema or schema == get_public_schema_name():
        raise SuspiciousFileOperation("documents belong to a group: no group is active")
    return f"groups/{schema}/"


def owns(name: str, schema_name: str | None = None) -> bool:
    """Whether `name` is a plain key under the (current) group's prefix."""
    prefix = group_prefix(schema_name)
    return (name.startswith(prefix) and len(name) > len(prefix)
            and posixpath.normpath(name) == name and "\\" not in name)


class GroupScopedStorage:
    """Mixin for a Django storage class; listed before the storage it wraps."""

    def get_available_name(self, name, max_length=None):
        extension = posixpath.splitext(name)[1].lower()
        extension = extension if _EXTENSION.fullmatch(extension) else ""
        return f"{group_prefix()}{uuid.uuid4().hex}{extension}"

    def _own(self, name: str) -> str:
        if not owns(name):
            raise SuspiciousFileOperation("this key is not the current group's")
        return name

    def _open(self, name, mode="rb"):
        return super()._open(self._own(name), mode)

    def _save(self, name, content):
        return super()._save(self._own(name), content)

    def delete(self, name):
        return super().delete(self._own(name))

    def exists(self, name):
        return super().exists(self._own(name))

    def size(self, name):
        return super().size(self._own(name))

    def listdir(self, path):
        return super().listdir(self._own(path.rstrip("/") + "/") if path else group_prefix())


class GroupFileSystemStorage(GroupScopedStorage, FileSystemStorage):
    """Development: files on disk, no public URL; a signed link to a view that checks the
    signature before serving (core.documents.local_links)."""

    def path(self, name):
        return super().path(self._own(name) if name else name)

    def url(self, name):
        raise NotImplementedError("documents have no public URL: use core.documents.links")

    def signed_url(self, name, *, filename: str, content_type: str, lifetime: int) -> str:
        return make_link(key=self._own(name), filename=filename, content_type=content_type,
                         lifetime=lifetime)


class GroupS3Storage(GroupScopedStorage, S3Storage):
    """Production: a private bucket (configured in core.documents.config); `url` is a
    presigned URL."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return super().url(self._own(name), parameters=parameters, expire=expire,
                           http_method=http_method)

    def signed_url(self, name, *, filename: str, content_type: str, lifetime: int) -> str:
        return self.url(name, expire=lifetime, parameters={
            "ResponseContentDisposition": content_disposition_header(True, filename),
            "ResponseContentType": content_type,
        })
