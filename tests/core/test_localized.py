"""A group's own wording in each of its languages, with fallback."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.localized import LocalizedTextField, pick


def test_pick_prefers_the_active_language_then_the_default_then_any():
    texts = {"en": "Shopping", "es": "Compras"}
    with translation.override("es"):
        assert pick(texts, default_language="en") == "Compras"
        assert pick({"en": "Shopping"}, default_language="en") == "Shopping"
        assert pick({"fr": "Courses"}, default_language="en") == "Courses"
        assert pick({}, default_language="en", fallback="Other") == "Other"
        assert pick({"es": "", "en": "Shopping"}, default_language="en") == "Shopping"


def test_the_field_needs_the_default_language_and_keeps_only_what_was_written():
    field = LocalizedTextField(languages=["es", "en"], max_length=10)
    assert field.clean(["Compras", ""]) == {"es": "Compras"}
    for bad in (["", "Shopping"], ["x" * 11, ""]):
        with pytest.raises(ValidationError):
            field.clean(bad)
