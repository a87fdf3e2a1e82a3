"""The tenant (a mutual aid group) and its hosts. Tables in the public schema."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_tenants.models import DomainMixin, TenantMixin

from core.tenancy import branding
from core.tenancy.entitlements import FREE_PLAN


def default_entitlements() -> dict:
    return dict(FREE_PLAN)


def default_languages() -> list[str]:
    return ["en"]


class Group(TenantMixin):
    """A mutual aid group. Its slug is its schema name and the first label of its host."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        CLOSING = "closing", _("Closing")

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        SPANISH = "es", _("Spanish")

    name = models.CharField(_("group name"), max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # Plan and limits as billing last wrote them; product code reads only this.
    entitlements = models.JSONField(default=default_entitlements)
    country = CountryField(_("country"))
    timezone = models.CharField(_("time zone"), max_length=64)
    default_language = models.CharField(
        _("default language"), max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    enabled_languages = ArrayField(models.CharField(max_length=8), default=default_languages)
    map_center_lat = models.FloatField(_("map centre latitude"))
    map_center_lng = models.FloatField(_("map centre longitude"))
    # Coordinators and admins must sign in with a second factor (TOTP): see
    # core.accounts.two_factor. Volunteers are never asked.
    require_staff_2fa = models.BooleanField(
        _("staff must use two-factor login"), default=False
    )
    # Retention: the personal data of a closed request, and of a volunteer who left, is
    # erased this many days later (tenants.records.retention); anonymous counts stay.
    keep_request_days = models.PositiveSmallIntegerField(
        _("days to keep a closed request's personal data"), default=30,
        validators=[MinValueValidator(1), MaxValueValidator(3650)])
    keep_volunteer_days = models.PositiveSmallIntegerField(
        _("days to keep a former volunteer's personal data"), default=365,
        validators=[MinValueValidator(1), MaxValueValidator(3650)])
    # Branding (core.tenancy.branding): on the row routing already caches, so every page
    # gets them without a query. Blank means the platform's own look and wording.
    brand_accent = models.CharField(_("accent colour"), max_length=7, blank=True)
    brand_logo_key = models.CharField(max_length=200, blank=True)  # in the documents storage
    brand_logo_type = models.CharField(max_length=20, blank=True)
    welcome_texts = models.JSONField(default=dict, blank=True)  # {language: text}
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    # The group directory on the platform's home page (mutualaid.directory): only groups whose
    # admins opt in are listed, with these words, placed at the map centre.
    listed_in_directory = models.BooleanField(_("listed in the group directory"), default=False)
    directory_description = models.CharField(_("short description"), max_length=280, blank=True)
    directory_area = models.CharField(_("area you cover"), max_length=100, blank=True)
    # The group's public impact page (/impact/ and its embeddable summary, tenants.reports):
    # anonymous figures only, and only once its admins choose to publish them.
    public_impact_page = models.BooleanField(_("publish an impact page"), default=False)
    # When a closing group's schema is dropped (mutualaid.console); None unless closing.
    closes_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    # Schemas are made by core.tenancy.provisioning, never by saving a model.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]
        # django-tenants checks new slugs case-insensitively: without this, a scan per signup.
        indexes = [
            models.Index(Upper("schema_name"), name="tenancy_group_schema_upper"),
            # The operators' fleet list filters by these, newest first, a page at a time.
            models.Index(fields=["status", "-created_at"], name="tenancy_group_status_new"),
            models.Index(fields=["country", "-created_at"], name="tenancy_group_country_new"),
            models.Index(KeyTextTransform("plan", "entitlements"), name="tenancy_group_plan"),
            # Partial, so tiny: the directory's listed groups, the daily drop's closing ones.
            models.Index(fields=["country", "map_center_lat", "map_center_lng"],
                         condition=Q(listed_in_directory=True), name="tenancy_group_listed"),
            models.Index(fields=["closes_at"], condition=Q(status="closing"),
                         name="tenancy_group_closing"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def slug(self) -> str:
        return self.schema_name

    @property
    def logo_url(self) -> str:
        return branding.logo_url(self)

    @property
    def theme_url(self) -> str:
        return branding.theme_url(self)


class Domain(DomainMixin):
    """A host that serves a group: `<slug>.<PLATFORM_DOMAIN>` (primary) or a custom domain."""

    def __str__(self) -> str:
        return self.domain


class LoginHandoff(models.Model):
    """A one-time, short-lived token that logs a new admin in on their group's host.

    Signup happens on the platform host, whose cookies the group's host never sees; the
    token carries the login across. Only its hash is stored; using it deletes it.
    """

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    user_id = models.BigIntegerField()
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()


class SchemaBlueprint(models.Model):
    """The SQL that builds a group schema, captured from the template after migrations."""

    fingerprint = models.CharField(max_length=64, unique=True)
    sql = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        get_latest_by = "created_at"


class PooledSchema(models.Model):
    """A group schema built ahead of time, waiting to be renamed to a new group's slug."""

    name = models.CharField(max_length=63, unique=True)
    fingerprint = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
