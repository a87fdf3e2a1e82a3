"""Fixtures for the form builder's tests: alpha's staff and a way to add questions."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from core.accounts.models import User
from core.privacy.levels import Level
from tenants.forms.services import Choice, FieldSpec, add_field


@pytest.fixture
def people(in_alpha):
    return SimpleNamespace(admin=User.objects.get(role="admin"),
                           coordinator=User.objects.get(role="coordinator"))


@pytest.fixture
def ask(people):
    """Add a question to a form of alpha's, as its admin would."""
    def make(label="Any pets at home?", *, kind="short_text", form="request", es="",
             required=False, level=Level.STAFF, choices=(), help_text=""):
        labels = {"en": label, **({"es": es} if es else {})}
        return add_field(form=form, actor=people.admin, spec=FieldSpec(
            kind=kind, labels=labels, required=required, level=level,
            help_texts={"en": help_text} if help_text else {},
            choices=[Choice(labels=c if isinstance(c, dict) else {"en": c}) for c in choices]))
    return make

