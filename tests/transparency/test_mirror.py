"""Mirror bundles: made from the demo, verified, imported read-only, and refused when altered."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import transaction
from django.test import Client

from equalfooting.audit.services import audit_append
from equalfooting.core.errors import MirrorReadOnly
from equalfooting.core.models import Installation
from tests.test_cli import run

DATASETS = (
    "states",
    "requests",
    "offers",
    "matches",
    "rounds",
    "contributions",
    "ledger",
    "projects",
    "allocations",
    "audit",
)
FIGURES = (
    "import json; from equalfooting.transparency import statistics as s; "
    "print(json.dumps({'overview': s.overview(), 'fairness': s.fairness()}, "
    "default=str, sort_keys=True))"
)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("source")
    assert run("demo", "--no-serve", home=home).returncode == 0
    result = run("mirror", "export", "--out", str(home / "bundle.tar"), home=home)
    assert result.returncode == 0, result.stderr
    return home


def published_key(home: Path) -> str:
    """The source's public key as it publishes it (on /mirror/ and in its announcements)."""
    script = (
        "from equalfooting.transparency.mirror import public_key_text; print(public_key_text())"
    )
    return run("manage", "shell", "-c", script, home=home).stdout.strip().splitlines()[-1]


def forged(
    bundle: Path,
    out: Path,
    *,
    key: Any = None,
    change: Callable[[list[dict[str, Any]]], None] | None = None,
) -> Path:
    """The bundle with one record changed (a contributor's name, unless told), re-signed with the
    forger's own key (written into the manifest too), or with the source's own key, as if it
    had been stolen."""
    with tarfile.open(bundle) as tar:
        files = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]
    records = json.loads(files["records.json"])
    (change or rename_a_contributor)(records)
    files["records.json"] = json.dumps(records, ensure_ascii=False, sort_keys=True).encode()
    manifest = json.loads(files["manifest.json"])
    key = key or Ed25519PrivateKey.generate()
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    manifest["public_key"] = base64.b64encode(raw).decode()
    manifest["files"]["records.json"] = hashlib.sha256(files["records.json"]).hexdigest()
    files["manifest.json"] = json.dumps(manifest, sort_keys=True, indent=2).encode()
    files["manifest.sig"] = key.sign(files["manifest.json"])
    with tarfile.open(out, "w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out


def states_in(home: Path) -> int:
    """How many States the installation holds: 0 where an import was refused."""
    script = "from equalfooting.registry.models import State; print(State.objects.count())"
    return int(run("manage", "shell", "-c", script, home=home).stdout.split()[-1])


def rename_a_contributor(records: list[dict[str, Any]]) -> None:
    # A kind of record no entry binds: only the signature can tell that it changed.
    contributor = next(r for r in records if r["model"] == "fund.contributor")
    contributor["fields"]["name"] = "Forged"


def multiply_a_ledger_amount(records: list[dict[str, Any]]) -> None:
    ledger = next(r for r in records if r["model"] == "fund.ledgertransaction")
    ledger["fields"]["amount"] = str(Decimal(ledger["fields"]["amount"]) * 10)


def exported(home: Path, out: Path) -> dict[str, bytes]:
    files = {}
    for dataset in DATASETS:
        target = out / f"{dataset}.csv"
        assert (
            run("export", dataset, "--format", "csv", "--out", str(target), home=home).returncode
            == 0
        )
        files[dataset] = target.read_bytes()
    return files


def test_a_mirror_serves_the_same_public_records_and_figures(source: Path, tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    assert run("manage", "migrate", "-v0", home=mirror).returncode == 0
    key = published_key(source)
    imported = run("mirror", "import", str(source / "bundle.tar"), "--public-key", key, home=mirror)
    assert imported.returncode == 0, imported.stderr
    for folder in "abc":
        (tmp_path / folder).mkdir()
    assert exported(source, tmp_path / "a") == exported(mirror, tmp_path / "b")
    figures = [
        run("manage", "shell", "-c", FIGURES, home=h).stdout.strip().splitlines()[-1]
        for h in (source, mirror)
    ]
    assert figures[0] == figures[1]
    assert json.loads(figures[0])["overview"]["requests"] > 0
    assert run("audit", "verify", home=mirror).returncode == 0
    # The same bundle again is an update that changes nothing; every write is refused.
    again = run("mirror", "import", str(source / "bundle.tar"), "--public-key", key, home=mirror)
    assert again.returncode == 0 and "grew consistently" in again.stdout
    assert exported(mirror, tmp_path / "c") == exported(source, tmp_path / "a")
    values = tmp_path / "values.csv"
    values.write_text(
        "iso3,indicator,year,value,source\nKEN,EF.NEED,2026,0.5,Test\n", encoding="utf-8"
    )
    write = run("import-indicators", str(values), home=mirror)
    assert write.returncode != 0 and "read-only mirror" in (write.stderr + write.stdout)


def test_a_one_byte_change_is_refused_and_nothing_is_imported(source: Path, tmp_path: Path) -> None:
    data = bytearray((source / "bundle.tar").read_bytes())
    with tarfile.open(source / "bundle.tar") as tar:
        member = tar.getmember("records.json")
        offset = member.offset_data + member.size // 2
    data[offset] = (data[offset] + 1) % 256
    tampered = tmp_path / "tampered.tar"
    tampered.write_bytes(bytes(data))
    verify = run("mirror", "verify", str(tampered), home=tmp_path / "x")
    assert verify.returncode == 1 and "records.json does not match its SHA-256" in verify.stderr
    fresh = tmp_path / "fresh"
    assert run("manage", "migrate", "-v0", home=fresh).returncode == 0
    refused = run(
        "mirror", "import", str(tampered), "--public-key", published_key(source), home=fresh
    )
    assert refused.returncode == 1 and "Nothing was imported" in refused.stderr
    assert states_in(fresh) == 0


def test_import_trusts_only_the_key_given_never_the_bundles_own(
    source: Path, tmp_path: Path
) -> None:
    fake = forged(source / "bundle.tar", tmp_path / "forged.tar")
    fresh = tmp_path / "fresh"
    assert run("manage", "migrate", "-v0", home=fresh).returncode == 0
    # The forgery verifies against the key inside it: that key proves nothing.
    assert run("mirror", "verify", str(fake), home=tmp_path / "x").returncode == 0
    without = run("mirror", "import", str(fake), home=fresh)
    assert without.returncode == 1 and "--public-key" in without.stderr
    genuine = run("mirror", "import", str(fake), "--public-key", published_key(source), home=fresh)
    assert genuine.returncode == 1 and "another key" in genuine.stderr
    assert states_in(fresh) == 0


def test_a_forged_record_is_refused_even_signed_with_the_sources_own_key(
    source: Path, tmp_path: Path
) -> None:
    stolen = serialization.load_pem_private_key(
        (source / "mirror_signing_key").read_bytes(), password=None
    )
    fake = forged(
        source / "bundle.tar", tmp_path / "stolen.tar", key=stolen, change=multiply_a_ledger_amount
    )
    fresh = tmp_path / "fresh"
    assert run("manage", "migrate", "-v0", home=fresh).returncode == 0
    refused = run("mirror", "import", str(fake), "--public-key", published_key(source), home=fresh)
    assert refused.returncode == 1
    assert "ledger_transaction" in refused.stderr
    assert "is not what the audit log recorded" in refused.stderr


def test_a_manifest_that_is_not_an_object_is_refused_in_one_sentence(
    source: Path, tmp_path: Path
) -> None:
    odd = tmp_path / "list.tar"
    with tarfile.open(odd, "w") as tar:
        for name, data in [
            ("manifest.json", b"[1, 2]"),
            ("manifest.sig", b""),
            ("records.json", b"[]"),
            ("audit.json", b"[]"),
        ]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    result = run("mirror", "verify", str(odd), home=tmp_path / "x")
    assert result.returncode == 1
    assert "manifest.json must be a JSON object" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bundle_signed_with_another_key_is_refused(source: Path, tmp_path: Path) -> None:
    other = run(
        "mirror",
        "verify",
        str(source / "bundle.tar"),
        "--public-key",
        "A" * 43 + "=",
        home=tmp_path,
    )
    assert other.returncode == 1 and "another key" in other.stderr


@pytest.mark.django_db
def test_on_a_mirror_every_write_is_refused(client: Client, focal_point_ken: object) -> None:
    Installation.objects.update_or_create(
        pk=1,
        defaults={"mirror_of": "key", "mirror_head": "0" * 64, "mirror_created_at": "2026-01-01"},
    )
    client.force_login(focal_point_ken)  # type: ignore[arg-type]
    page = client.post("/en/states/KEN/profile/edit/", {"summary": "x"})
    assert page.status_code == 403 and "read-only mirror" in page.content.decode()
    assert (
        client.put(
            "/api/v1/states/KEN/profile", {"summary": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    with pytest.raises(MirrorReadOnly), transaction.atomic():
        audit_append(actor="system:test", action="x", object_type="x", object_id="1", state={})
    assert "read-only mirror" in client.get("/en/").content.decode()


@pytest.mark.django_db
def test_a_bundle_blanks_exactly_what_the_log_keeps_out_of_a_public_record() -> None:
    """The digest a mirror checks leaves out the fields the bundle blanks, no more, no less:
    otherwise a faithful bundle would be refused, or a blanked field would go unchecked."""
    from equalfooting.audit.records import RECORDED, recorded_type
    from equalfooting.transparency.mirror import _public_querysets

    checked = set()
    for queryset, blanks in _public_querysets():
        object_type = recorded_type(queryset.model)
        if object_type is not None:
            assert set(blanks) == set(RECORDED[object_type].private), object_type
            checked.add(object_type)
    assert checked == {t for t, spec in RECORDED.items() if spec.bound}
