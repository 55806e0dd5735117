"""Backups of everything that matters: after a restore the audit head and the signing key are
the same, and a mirror of the installation accepts its next bundle — while it refuses one whose
history was rewritten (issue 11). Run end to end with the installed command, on SQLite, and on
PostgreSQL when the suite runs there."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from tests.test_cli import run

GROW = (
    "from django.db import transaction; from equalfooting.audit.services import audit_append\n"
    "with transaction.atomic():\n"
    "    audit_append(actor='system:test', action='test.grow', object_type='t', object_id='1',"
    " state={}, public=True)"
)
REWRITE = (
    "from equalfooting.audit.models import AuditEntry, AuditHead\n"
    "from equalfooting.domain.audit import Entry\n"
    "previous = AuditEntry.objects.get(seq=4).hash\n"
    "for row in AuditEntry.objects.filter(seq__gte=5).order_by('seq'):\n"
    "    at = '2020-01-01T00:00:00.000000+00:00' if row.seq == 5 else row.at\n"
    "    entry = Entry(row.seq, at, row.commitment, row.disclosed, previous)\n"
    "    AuditEntry.objects.filter(pk=row.pk).update(at=at, prev_hash=previous, hash='x' * 64)\n"
    "    AuditEntry.objects.filter(pk=row.pk).update(hash=entry.hash())\n"
    "    previous = entry.hash()\n"
    "AuditHead.objects.filter(pk=1).update(hash=previous)\n"
)
KEY = "from equalfooting.core.signing import public_key_text; print(public_key_text())"
# A document of the library, whose file exists only in the installation's files folder.
DOCUMENT = (
    "from equalfooting.programmes import library\n"
    "d = library.document_add(actor='system:demo', kind='guide', licence='cc0', source='Test',"
    " language='en', title='Backup guide', upload=library.Upload('guide.txt', b'Kept.'))\n"
    "print(library.path_of(d.versions.get()))"
)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


@pytest.fixture
def postgres_databases() -> Iterator[tuple[str, str]]:
    """Two fresh PostgreSQL databases on the server the suite runs on, dropped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL round trip runs when the suite runs on PostgreSQL (CI does)")
    import psycopg  # only on PostgreSQL

    params = connection.settings_dict
    base = f"postgresql://{params['USER']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
    names = [f"ef_backup_{os.getpid()}_{which}" for which in ("source", "restored")]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
    yield (f"{base}/{names[0]}", f"{base}/{names[1]}")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def round_trip(tmp_path: Path, source_db: str | None, restored_db: str | None) -> None:
    source, restored, mirror = tmp_path / "source", tmp_path / "restored", tmp_path / "mirror"
    ok(run("manage", "migrate", "-v0", home=source, database=source_db))
    ok(run("load-reference-data", home=source, database=source_db))
    key = ok(run("manage", "shell", "-c", KEY, home=source, database=source_db)).split()[-1]
    ok(
        run(
            "mirror",
            "export",
            "--out",
            str(tmp_path / "first.tar"),
            home=source,
            database=source_db,
        )
    )
    ok(run("manage", "migrate", "-v0", home=mirror))
    ok(run("mirror", "import", str(tmp_path / "first.tar"), "--public-key", key, home=mirror))

    stored = Path(
        ok(run("manage", "shell", "-c", DOCUMENT, home=source, database=source_db)).split()[-1]
    )

    # The backup holds the database, the library's files and both keys; the restore brings
    # back the same head.
    backup = tmp_path / "backup.tar.gz"
    ok(run("backup", "--out", str(backup), home=source, database=source_db))
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(backup) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "secret_key", "mirror_signing_key"} <= names
    head_before = ok(run("audit", "verify", home=source, database=source_db)).split()
    ok(run("restore", str(backup), home=restored, database=restored_db))
    assert ok(run("audit", "verify", home=restored, database=restored_db)).split() == head_before
    assert (restored / "mirror_signing_key").read_bytes() == (
        source / "mirror_signing_key"
    ).read_bytes()
    assert (restored / "secret_key").read_bytes() == (source / "secret_key").read_bytes()
    assert (restored / stored.relative_to(source)).read_bytes() == b"Kept."

    # The restored installation goes on; the mirror accepts its next bundle...
    ok(run("manage", "shell", "-c", GROW, home=restored, database=restored_db))
    ok(
        run(
            "mirror",
            "export",
            "--out",
            str(tmp_path / "next.tar"),
            home=restored,
            database=restored_db,
        )
    )
    ok(run("mirror", "import", str(tmp_path / "next.tar"), home=mirror))  # the pinned key
    assert ok(run("audit", "verify", home=mirror)).split()[1] == str(int(head_before[1]) + 1)

    # ...and refuses one from a history rewritten behind it, though signed with the right key.
    ok(run("manage", "shell", "-c", REWRITE, home=restored, database=restored_db))
    assert run("audit", "verify", home=restored, database=restored_db).returncode == 0
    ok(
        run(
            "mirror",
            "export",
            "--out",
            str(tmp_path / "forged.tar"),
            home=restored,
            database=restored_db,
        )
    )
    refused = run("mirror", "import", str(tmp_path / "forged.tar"), home=mirror)
    assert refused.returncode == 1 and "not a consistent extension" in refused.stderr


def test_a_backup_restores_on_sqlite_and_the_mirror_accepts_the_next_bundle(tmp_path: Path) -> None:
    round_trip(tmp_path, None, None)


@pytest.mark.django_db
def test_a_backup_restores_on_postgresql_and_the_mirror_accepts_the_next_bundle(
    tmp_path: Path, postgres_databases: tuple[str, str]
) -> None:
    source_db, restored_db = postgres_databases
    round_trip(tmp_path, source_db, restored_db)


def test_a_damaged_backup_is_refused_and_nothing_is_restored(tmp_path: Path) -> None:
    source = tmp_path / "source"
    ok(run("manage", "migrate", "-v0", home=source))
    backup = tmp_path / "backup.tar.gz"
    ok(run("backup", "--out", str(backup), home=source))
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(backup) as tar, tarfile.open(damaged, "w:gz") as out:
        for member in tar.getmembers():
            data = tar.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "database.sqlite3":
                data = data[:-1] + bytes([data[-1] ^ 1])
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    target = tmp_path / "target"
    refused = run("restore", str(damaged), home=target)
    assert refused.returncode == 2 and "does not match its SHA-256" in refused.stderr
    assert not (target / "equalfooting.sqlite3").exists()
    shutil.rmtree(target, ignore_errors=True)
