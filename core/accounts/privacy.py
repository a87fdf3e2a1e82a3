"""Field levels of accounts (see core/privacy/registry.py). A person sees their own account."""

from core.accounts.models import User
from core.privacy.registry import declare

declare(User,
        public=["id"],
        volunteer=["name", "role"],
        staff=["email", "preferred_language", "last_login", "is_active", "date_joined"],
        restricted=["password", "is_staff", "is_superuser"],
        personal=["name", "email", "password", "preferred_language", "last_login"],
        subject=lambda user: user.pk)
