"""`equalfooting backup` and `equalfooting restore`: everything an installation needs to come
back as it was — the database, the library's files, the secret key and the signing key.

A backup is one tar.gz (mode 600: it holds the keys):

    manifest.json        format, time, database vendor, the audit log's heads, each file's SHA-256
    database.sqlite3     the embedded database, copied with SQLite's online backup API
      or database.dump   PostgreSQL, as `pg_dump --format=custom` writes it
    secret_key           the Django secret key, when it comes from a file
    mirror_signing_key   the Ed25519 key that signs bundles and tree heads
    library/ab/<sha256>  each file of the library, by its digest (EF_FILES_DIR/library)

After a restore the audit head and the signing key are the ones the backup was made with, so
every mirror accepts the next bundle. Without the signing key a restored installation would
make a new one, and every mirror would refuse it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from equalfooting.domain.errors import InvalidFile, Unavailable

from .setup import Subcommands, _sqlite_file, django_setup

FORMAT = "equalfooting-backup/1"
# A file of the library in a backup: library/<first two hex digits>/<SHA-256>.
LIBRARY_FILE = re.compile(r"library/[0-9a-f]{2}/[0-9a-f]{64}")


def register(commands: Subcommands) -> None:
    backup = commands.add_parser(
        "backup",
        help="back up the database, the secret key and the signing key into one file",
        description="Write one tar.gz (mode 600) holding the database (SQLite: its online "
        "backup API, safe while the server runs; PostgreSQL: pg_dump), the secret key file and "
        "the mirror signing key, with a manifest of their SHA-256 and the audit log's head.",
    )
    backup.add_argument("--out", required=True, help="the file to write (e.g. backup.tar.gz)")
    backup.set_defaults(func=cmd_backup)
    restore = commands.add_parser(
        "restore",
        help="restore a backup into an empty installation",
        description="Check the backup's manifest and every file's SHA-256, then restore the "
        "database (SQLite file, or pg_restore into DATABASE_URL's database) and the keys. "
        "Refuses to overwrite an existing installation unless --force. Stop the server and "
        "the workers first.",
    )
    restore.add_argument("backup", help="the backup file")
    restore.add_argument(
        "--force", action="store_true", help="overwrite the installation that is there"
    )
    restore.set_defaults(func=cmd_restore)


def _sha256(data: bytes) -> str:
    import hashlib  # here, not at the top: `equalfooting --help` and `match solve` load this module

    return hashlib.sha256(data).hexdigest()


def _database() -> dict[str, Any]:
    from django.conf import settings  # after django_setup(): the settings are loaded

    return dict(settings.DATABASES["default"])


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for name, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if db.get(key):
            env[name] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _tool(name: str) -> str:
    import shutil  # only when a backup runs (see _sha256)

    found = shutil.which(name)
    if found is None:
        raise Unavailable(
            f"{name} is not installed here; install the PostgreSQL client (Debian: "
            f"apt-get install postgresql-client) matching the server's version."
        )
    return found


def _key_files() -> dict[str, Path | None]:
    """Where this installation keeps its keys; None when the secret key is in the environment."""
    from django.conf import settings  # after django_setup(): the settings are loaded

    from equalfooting.core.signing import key_path  # it reads the settings, loaded by now

    if os.environ.get("SECRET_KEY"):
        secret: Path | None = None
    elif os.environ.get("SECRET_KEY_FILE"):
        secret = Path(os.environ["SECRET_KEY_FILE"])
    else:
        secret = settings.EF_HOME / "secret_key"
    return {"secret_key": secret, "mirror_signing_key": key_path()}


def _heads() -> dict[str, Any]:
    # after django_setup(): the log's models need the app registry
    from equalfooting.audit.selectors import audit_head
    from equalfooting.audit.tree import log_leaves, tree_head

    seq, head = audit_head()
    tree = tree_head(log_leaves())
    return {
        "audit_entries": seq,
        "audit_head": head,
        "tree_head": {"size": tree.size, "root": tree.root},
    }


def cmd_backup(args: argparse.Namespace) -> int:
    # The tools of a backup load when one runs, not with the module (see _sha256).
    import io
    import sqlite3
    import subprocess
    import tarfile
    import tempfile

    django_setup()
    out = Path(args.out)
    if out.is_dir() or not out.parent.is_dir():
        raise InvalidFile(f"cannot write {out}: give a file name in an existing folder")
    db = _database()
    files: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory() as work:
        if db["ENGINE"] == "django.db.backends.sqlite3":
            copy = Path(work) / "database.sqlite3"
            source = sqlite3.connect(db["NAME"])
            target = sqlite3.connect(copy)
            with target:
                source.backup(target)  # consistent even while the server writes
            source.close()
            target.close()
            files["database.sqlite3"] = copy.read_bytes()
        else:
            dump = Path(work) / "database.dump"
            subprocess.run(
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--file",
                    str(dump),
                    db["NAME"],
                ],
                check=True,
                env=_pg_env(db),
            )
            files["database.dump"] = dump.read_bytes()
    files.update(_library_files())
    missing = []
    for name, path in _key_files().items():
        if path is not None and path.exists():
            files[name] = path.read_bytes()
        else:
            missing.append(name)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "vendor": "sqlite" if "database.sqlite3" in files else "postgresql",
        **_heads(),
        "files": {name: _sha256(data) for name, data in files.items()},
    }
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle, tarfile.open(fileobj=handle, mode="w:gz") as tar:
        for name, data in [
            ("manifest.json", json.dumps(manifest, indent=2).encode()),
            *files.items(),
        ]:
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o600
            tar.addfile(info, io.BytesIO(data))
    print(
        f"Wrote {out}: {manifest['vendor']} database, audit head {manifest['audit_entries']} "
        f"{manifest['audit_head']}, with {', '.join(n for n in files if 'key' in n) or 'no key'}."
    )
    for name in missing:
        if name == "secret_key":
            print("Note: SECRET_KEY comes from the environment; keep it with this backup.")
        else:
            print("Note: this installation has no signing key yet (no bundle was ever made).")
    return 0


def _library_files() -> dict[str, bytes]:
    """The library's files (stored by digest under EF_FILES_DIR/library): they exist nowhere
    else, unlike the published files, which the workers make again."""
    from django.conf import settings  # after django_setup(): the settings are loaded

    root = settings.EF_FILES_DIR / "library"
    return {
        f"library/{path.parent.name}/{path.name}": path.read_bytes()
        for path in sorted(root.glob("*/*"))
        if LIBRARY_FILE.fullmatch(f"library/{path.parent.name}/{path.name}")
    }


def _restore_library(contents: dict[str, bytes]) -> None:
    from django.conf import settings  # after django_setup(): the settings are loaded

    for name, data in contents.items():
        if LIBRARY_FILE.fullmatch(name):  # a digest's path, nothing that could climb out
            target = settings.EF_FILES_DIR / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)


def _read_backup(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    import tarfile  # only when a backup is read (see _sha256)

    try:
        with tarfile.open(path, "r:gz") as tar:
            contents = {
                m.name: tar.extractfile(m).read()  # type: ignore[union-attr]
                for m in tar.getmembers()
                if m.isfile()
            }
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise InvalidFile(f"{path} is not a readable backup ({exc})") from None
    try:
        manifest = json.loads(contents.get("manifest.json", b""))
    except ValueError:
        raise InvalidFile(f"{path}: manifest.json is missing or not JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InvalidFile(f"{path} is not an Equal Footing backup ({FORMAT})")
    for name, expected in dict(manifest.get("files", {})).items():
        if name not in contents or _sha256(contents[name]) != expected:
            raise InvalidFile(f"{path}: {name} is missing or does not match its SHA-256")
    return manifest, contents


def cmd_restore(args: argparse.Namespace) -> int:
    # The tools of a restore load when one runs (see _sha256).
    import subprocess
    import tempfile

    manifest, contents = _read_backup(Path(args.backup))
    sqlite_target = _sqlite_file()
    if sqlite_target is not None and sqlite_target.exists() and not args.force:
        raise InvalidFile(
            f"an installation exists at {sqlite_target.parent}: restore into an empty EF_HOME, "
            "or give --force to overwrite it"
        )
    django_setup(creates=True)
    db = _database()
    if db["ENGINE"] == "django.db.backends.sqlite3":
        if "database.sqlite3" not in contents:
            raise InvalidFile("this backup holds a PostgreSQL database: set DATABASE_URL")
        target = Path(db["NAME"])
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = target.with_suffix(".restoring")
        staged.write_bytes(contents["database.sqlite3"])
        for leftover in (Path(f"{target}-wal"), Path(f"{target}-shm")):
            leftover.unlink(missing_ok=True)
        os.replace(staged, target)
    else:
        if "database.dump" not in contents:
            raise InvalidFile("this backup holds an SQLite database: unset DATABASE_URL")
        from django.db import connection  # after django_setup(): the settings are loaded

        if connection.introspection.table_names() and not args.force:
            raise InvalidFile(
                f"the database {db['NAME']} is not empty: give --force to overwrite it"
            )
        connection.close()
        with tempfile.NamedTemporaryFile(suffix=".dump") as dump:
            dump.write(contents["database.dump"])
            dump.flush()
            subprocess.run(
                [
                    _tool("pg_restore"),
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--dbname",
                    db["NAME"],
                    dump.name,
                ],
                check=True,
                env=_pg_env(db),
            )
    _restore_library(contents)
    for name, path in _key_files().items():
        if name in contents and path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(contents[name])
            path.chmod(0o600)
    heads = _heads()
    if (heads["audit_entries"], heads["audit_head"]) != (
        manifest["audit_entries"],
        manifest["audit_head"],
    ):
        raise InvalidFile("the restored database does not end at the audit head the backup names")
    print(
        f"Restored {args.backup}: audit head {heads['audit_entries']} {heads['audit_head']}; "
        f"keys: {', '.join(n for n in contents if 'key' in n) or 'none'}. "
        "Run `equalfooting audit verify`, then start the server and the workers."
    )
    return 0
