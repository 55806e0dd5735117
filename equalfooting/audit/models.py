from django.db import models

from equalfooting.domain.audit import Entry, Private, Statement, StoredEntry


class AuditEntry(models.Model):
    """One link of the audit chain. Rows are only ever appended, by `audit_append`.

    Public: seq, at, commitment, disclosed, prev_hash, hash — the chain verifies from these
    alone. Private: the statement (actor, action, object, digest), its salt and the state.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.CharField(max_length=40)  # the exact ISO 8601 text that was hashed
    commitment = models.CharField(max_length=64)
    # What the public sees of the statement: empty for a confidential object.
    disclosed = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64, unique=True)
    # --- private from here: never exported, never shown to the public ---
    actor = models.CharField(max_length=100)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=100)
    digest = models.CharField(max_length=64)
    record = models.CharField(max_length=64, blank=True)  # see equalfooting.audit.records
    public_record = models.CharField(max_length=64, blank=True)  # also in `disclosed`
    salt = models.CharField(max_length=64)
    # The state that was digested: it may hold what a State marked confidential.
    payload = models.JSONField(null=True)

    # The columns a public reader may have; everything else stays in the installation.
    PUBLIC_FIELDS = ("seq", "at", "commitment", "disclosed", "prev_hash", "hash")

    class Meta:
        # The log began in the transparency app; its tables keep their first names.
        db_table = "transparency_auditentry"
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"{self.seq} {self.action} {self.hash[:12]}"

    def statement(self) -> Statement:
        return Statement(
            actor=self.actor,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            digest=self.digest,
            record=self.record,
            public_record=self.public_record,
        )

    def to_domain(self, *, private: bool = True) -> StoredEntry:
        return StoredEntry(
            entry=Entry(
                seq=self.seq,
                at=self.at,
                commitment=self.commitment,
                disclosed=self.disclosed,
                prev_hash=self.prev_hash,
            ),
            stored_hash=self.hash,
            private=Private(self.statement(), self.salt, self.payload)
            if private and self.salt
            else None,
        )

    def published(self) -> dict[str, object]:
        """The entry as published: on the audit page, in exports and in mirror bundles."""
        return {name: getattr(self, name) for name in self.PUBLIC_FIELDS}


class AuditHead(models.Model):
    """A single row naming the chain's head; appends lock it so concurrent writers queue."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        db_table = "transparency_audithead"

    def __str__(self) -> str:
        return f"head {self.seq} {self.hash[:12]}"
