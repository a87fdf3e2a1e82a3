"""A group's documents: ID scans, vetting certificates, exports. The file itself is in the
documents storage (core/documents) under the group's prefix; this row says what it is, who
it is about and who may open it. Lean: one index (owner), in every group's schema."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Document(models.Model):
    class Kind(models.TextChoices):
        ID_SCAN = "id_scan", _("ID scan")
        CERTIFICATE = "certificate", _("Certificate")
        EXPORT = "export", _("Data export")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # The person it is about. PROTECT: erasing someone goes through delete_document first,
    # so their files leave the storage with the rows.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    db_index=False)
    # The uploader's file name, for people to recognise it; never part of the key or a URL.
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def download_name(self) -> str:
        """The name it downloads under: its kind and id, nothing about the person."""
        extension = self.key.rsplit(".", 1)[1] if "." in self.key else "bin"
        return f"{self.kind}-{self.pk}.{extension}"
