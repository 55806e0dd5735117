"""Published files: the slow public files (annual report PDFs, IATI files, the mirror bundle),
prepared by a background job and served from disk. Written only by `transparency.published`."""

from __future__ import annotations

from django.db import models


class PublishedFile(models.Model):
    """The version of one public file that readers are served now.

    The file itself lives under EF_FILES_DIR (`path` is relative to it), under a name of its own per
    version, so the row switches readers from one complete version to the next at once.
    `audit_seq` and `audit_hash` name the head of the audit chain the file was made from: the
    version of the data it shows.
    """

    # What readers ask for, e.g. "annual-report-2026-ar.pdf", "iati-activities.xml".
    name = models.CharField(max_length=100, unique=True)
    # The file's language, or "" for a file that is the same in every language.
    language = models.CharField(max_length=10, blank=True)
    audit_seq = models.PositiveBigIntegerField()
    audit_hash = models.CharField(max_length=64)
    path = models.CharField(max_length=300)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    made_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (audit entry {self.audit_seq})"


class SeenHead(models.Model):
    """A head of the source's audit log that this mirror accepted, kept so that a later bundle
    is accepted only if its log is the same log, grown (`transparency.mirror.import_bundle`)."""

    tree_size = models.PositiveBigIntegerField()
    root_hash = models.CharField(max_length=64)
    bundle_created_at = models.CharField(max_length=40)
    seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-tree_size", "-seen_at"]

    def __str__(self) -> str:
        return f"head {self.tree_size} {self.root_hash[:12]}"
