"""Which model keeps each form's answers. This app sits below the ones whose records hold
answers (requests, volunteers), so they register their model here (in their privacy.py, next
to the declaration of `answers`) instead of this app importing them."""

from __future__ import annotations

from django.db import models

_HOLDERS: dict[str, type[models.Model]] = {}


def holds_answers(model: type[models.Model], *, form: str) -> None:
    _HOLDERS[form] = model


def holder(form: str) -> type[models.Model]:
    return _HOLDERS[form]
