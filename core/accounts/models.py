"""The one user model. Its table exists in the public schema (operators) and in every group's
schema (that group's members), so an account belongs to exactly one group or to the platform."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser):
    """Roles, not Django's permission tables: a group schema carries no auth_* tables at all
    (10,000 schemas multiply every table), and access is decided by role (and, for
    personal data, by the privacy policy engine)."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Admin")
        COORDINATOR = "coordinator", _("Coordinator")
        VOLUNTEER = "volunteer", _("Volunteer")

    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    # A member's role in their group; blank for platform operators (public schema).
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, blank=True)
    preferred_language = models.CharField(max_length=8, blank=True)
    is_active = models.BooleanField(default=True)
    # Platform operators (public schema). is_superuser: every operator permission.
    is_staff = models.BooleanField(default=False)
    is_superuser = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email

    def has_perm(self, perm, obj=None) -> bool:
        return self.is_active and self.is_superuser

    def has_module_perms(self, app_label) -> bool:
        return self.is_active and self.is_superuser

    @property
    def is_group_admin(self) -> bool:
        return self.role == self.Role.ADMIN
