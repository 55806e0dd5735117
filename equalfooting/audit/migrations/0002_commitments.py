# Entries now commit to what they say instead of publishing it (see docs/audit-chain.md).
# Existing entries are re-hashed in the new form, every one sealed: the migration cannot tell
# which objects were public when each entry was written, and sealing discloses nothing. Their
# statements stay, so the installation still verifies each against its commitment. A mirror of
# an installation that upgrades is imported afresh from its next bundle.

import hashlib
import hmac
import json
import secrets

from django.db import migrations, models

GENESIS_HASH = "0" * 64


def _canonical(value):
    # Frozen copy of domain.audit.canonical: a migration must not change when the code does.
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def seal_every_entry(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    AuditHead = apps.get_model("audit", "AuditHead")
    previous, seq = GENESIS_HASH, 0
    for row in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        statement = {
            "actor": row.actor,
            "action": row.action,
            "object_type": row.object_type,
            "object_id": row.object_id,
            "digest": row.digest,
        }
        row.salt = secrets.token_hex(32)
        row.commitment = hmac.new(
            bytes.fromhex(row.salt), _canonical(statement), hashlib.sha256
        ).hexdigest()
        row.disclosed = {}
        row.prev_hash = previous
        row.hash = hashlib.sha256(
            _canonical(
                {
                    "seq": row.seq,
                    "at": row.at,
                    "commitment": row.commitment,
                    "disclosed": {},
                    "prev_hash": previous,
                }
            )
        ).hexdigest()
        row.save(update_fields=["salt", "commitment", "disclosed", "prev_hash", "hash"])
        previous, seq = row.hash, row.seq
    if seq:
        AuditHead.objects.filter(pk=1).update(seq=seq, hash=previous)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="commitment",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="disclosed",
            field=models.JSONField(default=dict),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="salt",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(seal_every_entry, migrations.RunPython.noop),
    ]
