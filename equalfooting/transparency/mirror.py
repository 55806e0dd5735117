"""Mirror bundles: every public record and the audit chain, signed with Ed25519.

A bundle is a tar archive:

    manifest.json      what is inside: each file's SHA-256, the audit head, the public key
    manifest.sig       Ed25519 signature of manifest.json
    records.json       the public records, as Django serialised objects
    audit.json         the audit chain as the public sees it (commitments and disclosures;
                       never a statement about a confidential object, a salt or a state)

`verify` checks the signature, every file's hash, and recomputes the chain. `import` loads a
verified bundle into an empty installation and marks it a read-only mirror: from then on
every write is refused, on the pages and in every service (they all pass through the audit
chain, which a mirror closes).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction

from equalfooting.accounts.models import Role, User
from equalfooting.audit.models import AuditEntry, AuditHead
from equalfooting.audit.records import RECORDED, public_digest, recorded_type
from equalfooting.audit.selectors import audit_head, public_entries
from equalfooting.audit.tree import TreeHead, leaves_of, tree_head
from equalfooting.core.errors import InvalidFile
from equalfooting.core.models import Installation
from equalfooting.core.signing import public_key_text, signing_key
from equalfooting.domain.audit import Entry, StoredEntry, verify
from equalfooting.fund import models as fund
from equalfooting.matchmaking.models import Match, Round
from equalfooting.needs.models import Assessment, RequestTransition
from equalfooting.offers.models import Offer, Provider
from equalfooting.programmes.selectors import register_public
from equalfooting.registry import models as registry

from .models import SeenHead
from .statistics import requests_public

# 2: the audit chain commits to statements and discloses only public ones (issue 11).
FORMAT = "equalfooting-mirror/2"


class BundleError(InvalidFile):
    """A bundle that is not intact or not signed: says what fails. Nothing is imported."""


# --- Keys: the installation's Ed25519 key (equalfooting.core.signing) ---------------------


def installation_key() -> tuple[Installation | None, str]:
    """This installation, and the public key its bundles verify with: on a mirror, the key of
    the installation it mirrors."""
    installation = Installation.objects.filter(pk=1).first()
    if installation and installation.mirror_of:
        return installation, installation.mirror_of
    return installation, public_key_text()


# --- What is public -----------------------------------------------------------------------


def _public_querysets() -> list[tuple[Any, dict[str, Any]]]:
    """(queryset, fields to blank) for every public record. Order respects foreign keys."""
    published_rounds = Round.objects.filter(status=Round.Status.PUBLISHED)
    public_requests = requests_public()
    return [
        (Installation.objects.all(), {}),
        (registry.ReferenceSource.objects.all(), {}),
        (registry.Region.objects.filter(parent__isnull=True), {}),
        (registry.Region.objects.filter(parent__isnull=False), {}),
        (registry.Group.objects.all(), {}),
        (registry.State.objects.all(), {}),
        (registry.Organisation.objects.all(), {}),
        (registry.StateProfile.objects.all(), {"updated_by": None}),
        (Provider.objects.all(), {}),
        (
            Assessment.objects.filter(
                status=Assessment.Status.SUBMITTED, visibility=Assessment.Visibility.PUBLIC
            ),
            {"created_by": None, "submitted_by": None},
        ),
        (public_requests, {"created_by": None, "assessment": None}),
        (RequestTransition.objects.filter(request__in=public_requests), {"actor": None}),
        (Offer.objects.exclude(status=Offer.Status.DRAFT), {"created_by": None}),
        (published_rounds, {"opened_by": None}),
        (Match.objects.filter(round__in=published_rounds), {}),
        (fund.ExchangeRate.objects.all(), {"recorded_by": None}),
        (fund.Contributor.objects.all(), {}),
        (fund.Contribution.objects.all(), {}),
        (fund.Account.objects.all(), {}),
        # Who posted a movement is an account's number: a mirror never gets it.
        (fund.LedgerTransaction.objects.all(), {"actor": ""}),
        (fund.Project.objects.all(), {}),
        (fund.ResultsReport.objects.all(), {"submitted_by": None}),
        (
            fund.AllocationRound.objects.filter(status=fund.AllocationRound.Status.PUBLISHED),
            {"opened_by": None},
        ),
        (
            fund.Allocation.objects.filter(round__status=fund.AllocationRound.Status.PUBLISHED),
            {},
        ),
        (fund.Indicator.objects.all(), {}),
        (fund.PriorityEntry.objects.filter(request__in=public_requests), {"match": None}),
        # The register's public records (not those kept to aggregates), without who proposed.
        (register_public(), {"proposed_by": None}),
    ]


def _roles() -> list[dict[str, Any]]:
    """Which States and providers have verified focal points, and never who they are.

    Each verified focal point or provider role is published with a placeholder account of its
    own, both numbered afresh in an order of public attributes only, so neither number can be
    linked to an account, a role or a time at the source (issue 11: the mapping of account
    numbers to States undid blind review).
    """
    roles = (
        Role.objects.filter(status=Role.Status.VERIFIED)
        .exclude(kind__in=[Role.Kind.SECRETARIAT, Role.Kind.REVIEWER])
        .select_related("state", "provider")
        .order_by("kind", "state__iso3", "provider__name", "focal_kind")
    )
    items: list[dict[str, Any]] = []
    for number, role in enumerate(roles, start=1):
        items.append(
            {
                "model": "accounts.user",
                "pk": number,
                "fields": {"username": f"mirror-user-{number}", "password": "!", "email": ""},
            }
        )
        items.append(
            {
                "model": "accounts.role",
                "pk": number,
                "fields": {
                    "user": number,
                    "kind": role.kind,
                    "state": role.state_id,
                    "provider": role.provider_id,
                    "focal_kind": role.focal_kind,
                    "status": role.status,
                    # The day, not the instant: an instant could be matched to an entry's time.
                    "nominated_at": _day(role.nominated_at),
                    "decided_at": _day(role.decided_at),
                    "reference": "",
                    "reason": "",
                },
            }
        )
    return items


def _day(moment: datetime | None) -> str | None:
    return moment.date().isoformat() + "T00:00:00+00:00" if moment else None


def _encode(value: Any) -> Any:
    """Full precision: Django's JSON encoder would cut microseconds to milliseconds."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def _records() -> bytes:
    items: list[dict[str, Any]] = []
    for queryset, blanks in _public_querysets():
        for item in serializers.serialize("python", queryset.order_by("pk")):
            for name, value in blanks.items():
                if name in item["fields"]:
                    item["fields"][name] = (
                        value.format(pk=item["pk"]) if isinstance(value, str) else value
                    )
            items.append(item)
        if queryset.model is Provider:
            # Roles name providers and States, so they come after both.
            items.extend(_roles())
    return json.dumps(items, ensure_ascii=False, sort_keys=True, default=_encode).encode()


def _audit() -> tuple[bytes, TreeHead]:
    """The public log, and its tree head computed from the same rows."""
    rows = [e.published() for e in public_entries().iterator(chunk_size=2000)]
    return json.dumps(rows, ensure_ascii=False).encode(), tree_head(leaves_of(rows))


def _wipe() -> None:
    """Remove a mirror's records before the next bundle replaces them (its audit log was just
    shown to be a prefix of the new one, which is loaded whole)."""
    AuditEntry.objects.all().delete()
    # In the reverse of the order they were loaded in, so nothing still refers to a row
    # removed (the sub-regions go before the regions they belong to).
    for queryset, _blanks in reversed(_public_querysets()):
        if queryset.model is Installation:
            continue  # it holds what the mirror pinned; the import updates it
        if queryset.model is Provider:
            Role.objects.all().delete()  # roles name providers, and came in after them
        queryset.delete()
    # Only the placeholders the bundles brought: an operator's own account stays.
    User.objects.filter(username__startswith="mirror-user-").delete()


# --- Export, verify, import ---------------------------------------------------------------


def export(path: Path) -> dict[str, Any]:
    key = signing_key()
    audit, tree = _audit()
    files = {"records.json": _records(), "audit.json": audit}
    seq, head = audit_head()
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "audit_entries": seq,
        "audit_head": head,
        # The log's Merkle tree head (RFC 9162), signed with the manifest: what mirrors keep.
        "tree_head": {"size": tree.size, "root": tree.root},
        "public_key": public_key_text(key),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
    }
    manifest_bytes = json.dumps(manifest, sort_keys=True, indent=2).encode()
    with tarfile.open(path, "w") as tar:
        for name, data in [
            ("manifest.json", manifest_bytes),
            ("manifest.sig", key.sign(manifest_bytes)),
            *files.items(),
        ]:
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 0
            tar.addfile(info, io.BytesIO(data))
    return manifest


MANIFEST_FIELDS: dict[str, type | tuple[type, ...]] = {
    "public_key": str,
    "files": dict,
    "audit_entries": int,
    "audit_head": str,
    "created_at": str,
    "tree_head": dict,
}


def _json(contents: dict[str, bytes], name: str, kind: type) -> Any:
    """One file of the bundle, parsed, or a BundleError naming it (never a traceback)."""
    try:
        value = json.loads(contents[name])
    except (ValueError, RecursionError):  # not UTF-8, not JSON, nested too deep, huge numbers
        raise BundleError(f"{name} is not valid JSON") from None
    if not isinstance(value, kind):
        raise BundleError(f"{name} must be a JSON {'object' if kind is dict else 'list'}")
    return value


@dataclass
class Verified:
    manifest: dict[str, Any]
    records: list[Any]  # deserialised, checked against the log, ready to save
    audit: list[dict[str, Any]]


def verify_bundle(path: Path, *, public_key: str | None = None) -> Verified:
    try:
        with tarfile.open(path, "r") as tar:
            contents = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}  # type: ignore[union-attr]
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BundleError(f"not a readable tar archive ({exc})") from None
    for name in ("manifest.json", "manifest.sig", "records.json", "audit.json"):
        if name not in contents:
            raise BundleError(f"{name} is missing")
    manifest = _json(contents, "manifest.json", dict)
    if manifest.get("format") != FORMAT:
        raise BundleError(f"unknown format {manifest.get('format')!r}")
    for name, kind in MANIFEST_FIELDS.items():
        if not isinstance(manifest.get(name), kind):
            raise BundleError(f"manifest.json lacks {name} or gives it in the wrong form")
    key_text = public_key or manifest["public_key"]
    if public_key and public_key != manifest["public_key"]:
        raise BundleError("the bundle was signed with another key than the one given")
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(key_text)).verify(
            contents["manifest.sig"], contents["manifest.json"]
        )
    except (InvalidSignature, ValueError):
        raise BundleError("the signature of manifest.json does not verify") from None
    for name, expected in manifest["files"].items():
        if hashlib.sha256(contents.get(name, b"")).hexdigest() != expected:
            raise BundleError(f"{name} does not match its SHA-256 in the manifest")
    audit = _json(contents, "audit.json", list)
    fields = ("seq", "at", "commitment", "disclosed", "prev_hash", "hash")
    for index, e in enumerate(audit):
        if not isinstance(e, dict) or any(name not in e for name in fields):
            raise BundleError(f"audit.json: entry {index + 1} lacks one of {', '.join(fields)}")
    result = verify(
        StoredEntry(
            Entry(
                seq=e["seq"],
                at=e["at"],
                commitment=e["commitment"],
                disclosed=e["disclosed"],
                prev_hash=e["prev_hash"],
            ),
            e["hash"],
        )
        for e in audit
    )
    if not result.ok:
        raise BundleError(f"the audit chain breaks at entry {result.broken_seq}: {result.reason}")
    if (result.count, result.head) != (manifest["audit_entries"], manifest["audit_head"]):
        raise BundleError("the audit chain does not end at the head the manifest names")
    tree = tree_head(leaves_of(audit))
    if manifest["tree_head"] != {"size": tree.size, "root": tree.root}:
        raise BundleError("the audit log's tree head is not the one the manifest names")
    records = _bind_records(_json(contents, "records.json", list), audit)
    return Verified(manifest, records, audit)


def _bind_records(records: list[Any], audit: list[dict[str, Any]]) -> list[Any]:
    """Every record of a type the log proves must be the one the log last disclosed for it: a
    forged or altered record is refused even when the bundle is signed with the right key."""
    disclosed: dict[tuple[str, str], tuple[int, str]] = {}
    for entry in audit:
        shown = entry["disclosed"]
        if isinstance(shown, dict) and shown.get("record"):
            disclosed[(str(shown.get("object_type")), str(shown.get("object_id")))] = (
                entry["seq"],
                str(shown["record"]),
            )
    try:
        objects = list(serializers.deserialize("python", records))
    except (
        serializers.base.DeserializationError,
        FieldDoesNotExist,
        ValueError,
        TypeError,
        LookupError,
    ) as exc:
        raise BundleError(f"records.json holds a record that cannot be read ({exc})") from None
    for item in objects:
        row = item.object
        object_type = recorded_type(type(row))
        if object_type is None:
            continue
        spec = RECORDED[object_type]
        object_id = str(getattr(row, spec.lookup))
        if (object_type, object_id) not in disclosed:
            raise BundleError(f"{object_type} {object_id} is not in the audit log")
        seq, expected = disclosed[(object_type, object_id)]
        if public_digest(spec, row) != expected:
            raise BundleError(
                f"{object_type} {object_id} is not what the audit log recorded (entry {seq})"
            )
    return objects


@transaction.atomic
def import_bundle(path: Path, *, public_key: str | None = None) -> dict[str, Any]:
    """Load a verified bundle into an empty installation and make it a read-only mirror.

    The key is the one given, or the one a previous import pinned; never the bundle's own,
    which anyone forging a bundle would simply replace (issue 11).
    """
    pinned = Installation.objects.filter(pk=1).values_list("mirror_of", flat=True).first()
    if pinned and public_key and public_key != pinned:
        raise BundleError("the key given is not the key this mirror has pinned")
    public_key = public_key or pinned or None
    if not public_key:
        raise BundleError(
            "give the source's public key (--public-key), as the source publishes it: "
            "a bundle's own key proves nothing"
        )
    bundle = verify_bundle(path, public_key=public_key)
    leaves = leaves_of(bundle.audit)
    if pinned:
        # An update: the bundle's log must be the log this mirror saw, grown. A source that
        # rewrote its history (or a forger with the key) cannot make the first entries hash
        # to a head this mirror kept.
        seen = SeenHead.objects.first()
        if seen is not None and seen.tree_size > len(leaves):
            raise BundleError(
                f"the bundle's audit log has {len(leaves)} entries, fewer than the "
                f"{seen.tree_size} this mirror saw: refused"
            )
        if seen is not None and tree_head(leaves[: seen.tree_size]).root != seen.root_hash:
            raise BundleError(
                f"the bundle's audit log is not a consistent extension of the head this mirror "
                f"kept ({seen.tree_size} entries, root {seen.root_hash}): its history was "
                "rewritten; refused"
            )
        _wipe()
    elif registry.State.objects.exists() or AuditEntry.objects.exists():
        raise BundleError("this installation is not empty: a mirror is imported into a fresh one")
    for obj in bundle.records:
        obj.save()
    AuditEntry.objects.bulk_create(
        # A mirror holds the public face only: no statement, salt or state.
        [AuditEntry(**{name: e[name] for name in AuditEntry.PUBLIC_FIELDS}) for e in bundle.audit],
        batch_size=2000,
    )
    AuditHead.objects.update_or_create(
        pk=1,
        defaults={"seq": bundle.manifest["audit_entries"], "hash": bundle.manifest["audit_head"]},
    )
    Installation.objects.update_or_create(
        pk=1,
        defaults={
            "mirror_of": public_key,
            "mirror_head": bundle.manifest["audit_head"],
            "mirror_created_at": bundle.manifest["created_at"],
        },
    )
    tree = tree_head(leaves)
    SeenHead.objects.create(
        tree_size=tree.size, root_hash=tree.root, bundle_created_at=bundle.manifest["created_at"]
    )
    return bundle.manifest
