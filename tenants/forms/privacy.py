"""Field levels of the form builder's questions: the group's own wording, shown on public
forms. (The answers are levelled per question: see tenants/forms/selectors.py.)"""

from core.privacy.registry import declare
from tenants.forms.models import CustomField

declare(CustomField,
        public=["id", "form", "key", "kind", "required", "labels", "help_texts", "choices",
                "level", "position", "retired_at"])
