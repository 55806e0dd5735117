from django.db import models

from equalfooting.domain.audit import Entry, StoredEntry


class AuditEntry(models.Model):
    """One link of the audit chain. Rows are only ever appended, by `audit_append`."""

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.CharField(max_length=40)  # the exact ISO 8601 text that was hashed
    actor = models.CharField(max_length=100)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=100)
    digest = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64, unique=True)
    # The state that was digested. Not public: it may hold what a State marked confidential.
    payload = models.JSONField(null=True)

    class Meta:
        # The log began in the transparency app; its tables keep their first names.
        db_table = "transparency_auditentry"
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"{self.seq} {self.action} {self.hash[:12]}"

    def to_domain(self) -> StoredEntry:
        return StoredEntry(
            entry=Entry(
                seq=self.seq,
                at=self.at,
                actor=self.actor,
                action=self.action,
                object_type=self.object_type,
                object_id=self.object_id,
                digest=self.digest,
                prev_hash=self.prev_hash,
            ),
            stored_hash=self.hash,
            payload=self.payload,
        )


class AuditHead(models.Model):
    """A single row naming the chain's head; appends lock it so concurrent writers queue."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        db_table = "transparency_audithead"

    def __str__(self) -> str:
        return f"head {self.seq} {self.hash[:12]}"
