"""A model field whose JSON value is stored encrypted (see crypto.py)."""

from __future__ import annotations

from django.db import models

from core.vetting import crypto


class EncryptedJSONField(models.TextField):
    """A dict in Python, a Fernet token in the column. Never filter on it."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else crypto.decrypt(value)

    def to_python(self, value):
        if value is None or isinstance(value, dict):
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        return None if value is None else crypto.encrypt(value)
