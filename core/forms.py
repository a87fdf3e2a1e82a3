"""Form helpers shared by every app."""

from __future__ import annotations

from django import forms


class AccessibleFormMixin:
    """Tie each field to its help and error text for screen readers.

    templates/form_fields.html renders them with ids `<field id>_help` and `<field id>_error`;
    here every widget names the ones that exist in aria-describedby, and fields with errors
    get aria-invalid (Django adds the latter itself for bound forms; kept explicit here).
    """

    def full_clean(self):
        super().full_clean()
        for name, field in self.fields.items():
            bound = self[name]
            described = []
            if field.help_text:
                described.append(f"{bound.auto_id}_help")
            if name in self.errors:
                described.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)


class AccessibleForm(AccessibleFormMixin, forms.Form):
    pass
