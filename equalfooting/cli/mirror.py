"""`equalfooting mirror export|verify|import`: signed bundles of the public records.

A bundle that fails a check is refused here with exit 1 (a check failed), not exit 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .setup import Subcommands, django_setup


def register(commands: Subcommands) -> None:
    mirror = commands.add_parser(
        "mirror", help="signed bundles of the public records, for read-only mirrors"
    )
    actions = mirror.add_subparsers(dest="mirror_command", required=True, metavar="ACTION")
    export = actions.add_parser(
        "export",
        help="write a signed bundle of every public record and the audit chain",
        description="Write a tar bundle of every public record and the audit chain, signed with "
        "this installation's Ed25519 key (kept under EF_HOME, or EF_SIGNING_KEY_FILE).",
    )
    export.add_argument("--out", required=True, help="bundle file to write")
    export.set_defaults(func=cmd_mirror_export)
    for name, text, handler in (
        ("verify", "check a bundle's signature, files and audit chain", cmd_mirror_verify),
        (
            "import",
            "load a verified bundle into an empty installation, read-only, or update a mirror "
            "with the source's next bundle (its audit log must extend the one the mirror kept)",
            cmd_mirror_import,
        ),
    ):
        action = actions.add_parser(
            name,
            help=text,
            description=text[0].upper() + text[1:] + ". "
            "A bundle that fails any check is refused, naming what fails.",
        )
        action.add_argument("bundle", help="the bundle file")
        action.add_argument(
            "--public-key",
            help="the source's public key (base64), as it publishes it; import requires it "
            "(a bundle's own key proves nothing)",
        )
        action.set_defaults(func=handler)


def cmd_mirror_export(args: argparse.Namespace) -> int:
    django_setup()
    # after django_setup(): the bundle reads models, which need the app registry
    from equalfooting.core.signing import fingerprint
    from equalfooting.transparency import mirror

    manifest = mirror.export(Path(args.out))
    print(
        f"Wrote {args.out}: {manifest['audit_entries']} audit entries, "
        f"head {manifest['audit_head']}, "
        f"signed by {fingerprint(manifest['public_key'])}."
    )
    return 0


def cmd_mirror_verify(args: argparse.Namespace) -> int:
    django_setup(creates=True)  # it reads a bundle, not an installation: it needs none
    # after django_setup(): the mirror module reads models, which need the app registry
    from equalfooting.core.signing import fingerprint
    from equalfooting.transparency import mirror

    try:
        bundle = mirror.verify_bundle(Path(args.bundle), public_key=args.public_key)
    except mirror.BundleError as exc:
        print(f"REFUSED {args.bundle}: {exc}. Nothing was imported.", file=sys.stderr)
        return 1
    manifest = bundle.manifest
    print(
        f"OK {args.bundle}: signature, files and {manifest['audit_entries']} "
        f"audit entries hold; head {manifest['audit_head']}; "
        f"key fingerprint {fingerprint(manifest['public_key'])}"
    )
    if not args.public_key:
        print(
            "Compare the fingerprint with the one the source installation publishes.",
            file=sys.stderr,
        )
    return 0


def cmd_mirror_import(args: argparse.Namespace) -> int:
    django_setup()
    # after django_setup(): the import writes models, which need the app registry
    from equalfooting.core.models import is_mirror
    from equalfooting.transparency import mirror

    update = is_mirror()
    try:
        manifest = mirror.import_bundle(Path(args.bundle), public_key=args.public_key)
    except mirror.BundleError as exc:
        print(f"REFUSED {args.bundle}: {exc}. Nothing was imported.", file=sys.stderr)
        return 1
    tree = manifest["tree_head"]
    if update:
        print(
            f"Updated the mirror from {args.bundle}: its audit log grew consistently to "
            f"{tree['size']} entries (root {tree['root']})."
        )
    else:
        print(
            f"Imported {args.bundle}: this installation is now a read-only mirror "
            f"(head {manifest['audit_head']}; tree head {tree['size']} {tree['root']})."
        )
    return 0
