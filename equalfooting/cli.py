"""The `equalfooting` command line.

Every subcommand has --help. Exit codes: 0 success, 1 a check failed, 2 bad input.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

# The export datasets, listed here so --help works without loading Django.
EXPORT_DATASETS = (
    "states",
    "organisations",
    "requests",
    "offers",
    "matches",
    "rounds",
    "contributions",
    "ledger",
    "projects",
    "allocations",
    "audit",
    "iati",
)
DEMO_PASSWORD = "equal-footing-demo"  # noqa: S105 - printed by the demo; only on its synthetic accounts


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "equalfooting.settings")
    import django

    django.setup()


def _migrate(*, verbosity: int = 1) -> None:
    from django.core.management import call_command

    print("Applying database migrations…", flush=True)
    call_command("migrate", interactive=False, verbosity=verbosity)


def _load_reference_data(*, data_dir: str | None = None) -> int:
    from pathlib import Path

    from equalfooting.registry.reference import ReferenceDataError
    from equalfooting.registry.services import reference_data_load

    print("Loading reference data (States, regions, groups, organisations)…", flush=True)
    try:
        summary = reference_data_load(
            actor="system:load-reference-data", data_dir=Path(data_dir) if data_dir else None
        )
    except ReferenceDataError as exc:
        print(f"error: {exc}. Nothing was changed.", file=sys.stderr)
        return 2
    kinds = sorted(set(summary.created) | set(summary.updated) | set(summary.unchanged))
    for kind in kinds:
        print(
            f"  {kind:<13} {summary.created.get(kind, 0):>4} created"
            f" {summary.updated.get(kind, 0):>4} updated"
            f" {summary.unchanged.get(kind, 0):>4} unchanged"
        )
    print(
        "Reference data are up to date."
        if not summary.changed
        else f"{summary.changed} change(s) audited."
    )
    return 0


def cmd_load_reference_data(args: argparse.Namespace) -> int:
    _setup()
    return _load_reference_data(data_dir=args.data_dir)


def cmd_audit_verify(args: argparse.Namespace) -> int:
    _setup()
    from equalfooting.audit.selectors import audit_verify

    result = audit_verify()
    if result.ok:
        print(f"OK {result.count} entries {result.head}")
        return 0
    print(f"BROKEN at entry {result.broken_seq}: {result.reason}", file=sys.stderr)
    print(
        f"(the first {result.count} entries hold; the last good hash is {result.head})",
        file=sys.stderr,
    )
    return 1


def cmd_demo(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        print(f"error: --port must be between 1 and 65535, not {args.port}", file=sys.stderr)
        return 2
    _setup()
    from django.conf import settings

    from equalfooting import demo

    print(f"Equal Footing demo — data in {settings.DATABASES['default']['NAME']}", flush=True)
    _migrate(verbosity=0)
    if _load_reference_data() != 0:
        return 2
    print("Building the synthetic demo scenario…", flush=True)
    logins = demo.build(password=DEMO_PASSWORD)
    url = f"http://{args.host}:{args.port}/"
    print()
    print(f"Open {url}")
    print(f"Demo logins (synthetic accounts; password for each: {DEMO_PASSWORD}):")
    for role, username, note in logins:
        print(f"  {role:<22} {username:<28} {note}")
    print()
    if args.no_serve:
        return 0
    from django.core.management import call_command

    call_command("runserver", f"{args.host}:{args.port}", use_reloader=False, use_threading=True)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _setup()
    from django.core.management import call_command

    if args.migrate:
        _migrate()
    call_command("collectstatic", interactive=False, verbosity=0)
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "equalfooting.wsgi:application",
        "--bind",
        args.bind,
        "--workers",
        str(args.workers),
        "--access-logfile",
        "-",
    ]
    os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn
    return 0  # pragma: no cover


def cmd_create_secretariat(args: argparse.Namespace) -> int:
    _setup()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from equalfooting.accounts.models import Role, User
    from equalfooting.accounts.services import role_grant_system

    password = os.environ.get("EF_PASSWORD") or getpass.getpass("Password: ")
    user = User(username=args.username, email=args.email)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        print("error: password: " + " ".join(exc.messages), file=sys.stderr)
        return 2
    if User.objects.filter(username=args.username).exists():
        print(f"error: username {args.username!r} is taken", file=sys.stderr)
        return 2
    with transaction.atomic():
        user.set_password(password)
        user.save()
        role_grant_system(actor="system:create-secretariat", user=user, kind=Role.Kind.SECRETARIAT)
    print(f"Created Secretariat account {args.username}. It must enrol 2FA at first sign-in.")
    return 0


UNREADABLE = object()


def _read_json(path: str) -> Any:
    """The JSON in a file, or UNREADABLE after saying why it cannot be read (exit 2)."""
    import json

    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as exc:
        print(f"error: cannot read {path}: {exc.strerror}", file=sys.stderr)
    except json.JSONDecodeError as exc:
        print(f"error: {path} is not valid JSON: {exc}", file=sys.stderr)
    return UNREADABLE


def _write_text(path: str, text: str) -> None:
    if path == "-":
        sys.stdout.write(text)
    else:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)


def cmd_match_solve(args: argparse.Namespace) -> int:
    """Pure: no database, so anyone can re-run a published round with the package alone."""
    import json

    from equalfooting.domain import matching

    data = _read_json(args.input)
    if data is UNREADABLE:
        return 2
    try:
        problem = matching.parse_problem(data)
    except matching.ProblemError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.fairness:
        problem = matching.Problem(problem.requests, problem.offers, args.fairness)
    print(
        f"Solving: {len(problem.requests)} requests, {len(problem.offers)} offers, "
        f"fairness {problem.fairness}…",
        file=sys.stderr,
        flush=True,
    )
    solution = matching.solution_json(matching.solve(problem))
    text = json.dumps(solution, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    _write_text(args.output, text)
    print(
        f"objective {solution['objective']} (LP bound {solution['bound']}, "
        f"first-come-first-served {solution['greedy_objective']}); "
        f"{len(solution['assignments'])} assignments",
        file=sys.stderr,
    )
    return 0


def cmd_fund_allocate(args: argparse.Namespace) -> int:
    """Pure: no database, so anyone can re-run a published allocation from its inputs file."""
    import json

    from equalfooting.domain import allocation

    data = _read_json(args.input)
    if data is UNREADABLE:
        return 2
    try:
        result = allocation.result_json(allocation.allocate(allocation.parse_inputs(data)))
    except allocation.AllocationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    _write_text(args.output, text)
    bound = {
        b: sum(1 for a in result["allocations"] if a["binding"] == b)
        for b in ("floor", "cap", "formula")
    }
    print(
        f"allocated {result['total']} to {len(result['allocations'])} States "
        f"({bound['formula']} by the formula, {bound['floor']} at a floor, "
        f"{bound['cap']} at the cap)",
        file=sys.stderr,
    )
    return 0


def cmd_fund_verify(args: argparse.Namespace) -> int:
    _setup()
    from equalfooting.fund.allocation_rounds import round_verify
    from equalfooting.fund.models import AllocationRound

    round_ = AllocationRound.objects.filter(pk=args.round).first()
    if round_ is None:
        print(f"error: there is no allocation round {args.round}", file=sys.stderr)
        return 2
    result = round_verify(round_)
    if result.ok:
        print(f"OK allocation round {round_.pk}: {result.checked} figures recomputed and matching")
        return 0
    for problem in result.problems:
        print(f"MISMATCH {problem}", file=sys.stderr)
    return 1


def cmd_import_indicators(args: argparse.Namespace) -> int:
    _setup()
    from pathlib import Path

    from equalfooting.fund.indicators import ImportError_, import_file

    try:
        summary = import_file(
            path=Path(args.file), actor="system:import-indicators", synthetic=args.synthetic
        )
    except ImportError_ as exc:
        print(f"error: {args.file}, {exc}. Nothing was imported.", file=sys.stderr)
        return 2
    print(
        f"Imported {summary.values} values ({summary.layout} layout); "
        f"skipped {summary.skipped_rows} rows that are not States."
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    _setup()
    from equalfooting.transparency import exports

    if args.dataset == "iati":
        from pathlib import Path

        from equalfooting.transparency import iati

        folder = Path(args.out)
        folder.mkdir(parents=True, exist_ok=True)
        count = iati.write_activities(folder / "activities.xml")
        iati.write_organisation(folder / "organisation.xml")
        print(
            f"Wrote {count} IATI activities to {folder / 'activities.xml'} "
            f"and {folder / 'organisation.xml'}.",
            file=sys.stderr,
        )
        return 0

    dataset = exports.DATASETS[args.dataset]
    out = sys.stdout.buffer if args.out == "-" else open(args.out, "wb")  # noqa: SIM115
    rows = 0
    try:
        for block in exports.chunks(dataset, args.format, args.lang):
            out.write(block)
            rows += 1
    finally:
        if out is not sys.stdout.buffer:
            out.close()
    print(f"Wrote {args.dataset} as {args.format} ({args.lang}) to {args.out}.", file=sys.stderr)
    return 0


def cmd_mirror(args: argparse.Namespace) -> int:
    _setup()
    from pathlib import Path

    from equalfooting.transparency import mirror

    if args.mirror_command == "export":
        manifest = mirror.export(Path(args.out))
        print(
            f"Wrote {args.out}: {manifest['audit_entries']} audit entries, "
            f"head {manifest['audit_head']}, "
            f"signed by {mirror.fingerprint(manifest['public_key'])}."
        )
        return 0
    try:
        if args.mirror_command == "verify":
            bundle = mirror.verify_bundle(Path(args.bundle), public_key=args.public_key)
            manifest = bundle.manifest
            print(
                f"OK {args.bundle}: signature, files and {manifest['audit_entries']} "
                f"audit entries hold; head {manifest['audit_head']}; "
                f"key fingerprint {mirror.fingerprint(manifest['public_key'])}"
            )
            if not args.public_key:
                print(
                    "Compare the fingerprint with the one the source installation publishes.",
                    file=sys.stderr,
                )
            return 0
        manifest = mirror.import_bundle(Path(args.bundle), public_key=args.public_key)
    except mirror.BundleError as exc:
        print(f"REFUSED {args.bundle}: {exc}. Nothing was imported.", file=sys.stderr)
        return 1
    print(
        f"Imported {args.bundle}: this installation is now a read-only mirror "
        f"(head {manifest['audit_head']})."
    )
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    _setup()
    from django.template.loader import render_to_string
    from django.utils import translation

    from equalfooting.transparency import report

    if args.out.endswith(".html"):
        with translation.override(args.lang):
            html = render_to_string(
                "transparency/annual_report_print.html",
                {
                    **report.context(args.year),
                    "LANGUAGE_CODE": args.lang,
                    "text_direction": "rtl" if translation.get_language_bidi() else "ltr",
                },
            )
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(html)
    else:
        try:
            data = report.pdf(args.year, args.lang)
        except OSError as exc:
            print(
                f"error: WeasyPrint cannot run here ({exc}); install Pango "
                "(Debian: libpango-1.0-0) and the Noto fonts, or write HTML with --out report.html",
                file=sys.stderr,
            )
            return 1
        with open(args.out, "wb") as handle:
            handle.write(data)
    print(f"Wrote the {args.year} annual report in {args.lang} to {args.out}.", file=sys.stderr)
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "equalfooting.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["equalfooting manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="equalfooting",
        description="Equal Footing: a universal mechanism for ICT-security capacity-building.",
        epilog="Configuration comes from the environment: DATABASE_URL, EF_HOME, SECRET_KEY, "
        "EF_ENV=production, ALLOWED_HOSTS. See docs/operations.md.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser(
        "demo",
        help="set up the embedded database with reference and synthetic demo data, then serve",
        description="Create and migrate the database (SQLite under ./var/ or $EF_HOME unless "
        "DATABASE_URL is set), load the reference data, build the synthetic demo scenario, print "
        "one login per role and serve on 127.0.0.1. Safe to run again.",
    )
    demo.add_argument("--port", type=int, default=8000, help="port to serve on (default 8000)")
    demo.add_argument("--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1)")
    demo.add_argument("--no-serve", action="store_true", help="set up and exit without serving")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser(
        "serve",
        help="run the production server (gunicorn, WhiteNoise) on DATABASE_URL",
        description="Collect static files and run gunicorn. Set EF_ENV=production, SECRET_KEY "
        "and ALLOWED_HOSTS first.",
    )
    serve.add_argument(
        "--bind", default="127.0.0.1:8000", help="address:port (default 127.0.0.1:8000)"
    )
    serve.add_argument(
        "--workers", type=int, default=3, help="gunicorn worker processes (default 3)"
    )
    serve.add_argument("--migrate", action="store_true", help="apply migrations before serving")
    serve.set_defaults(func=cmd_serve)

    load = sub.add_parser(
        "load-reference-data",
        help="load the packaged reference data (idempotent, audited)",
        description="Load States, regions, groups and organisations from the data files in the "
        "package. A second run changes nothing; changed files update rows and are audited. A "
        "malformed file stops the load, names the file and line, and changes nothing.",
    )
    load.add_argument("--data-dir", help="read the files from this folder instead of the package")
    load.set_defaults(func=cmd_load_reference_data)

    audit = sub.add_parser("audit", help="the audit chain")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    verify = audit_sub.add_parser(
        "verify",
        help="recompute the whole chain",
        description="Recompute every hash. Prints 'OK <n> entries <head hash>' and exits 0, or "
        "names the first broken entry and exits 1.",
    )
    verify.set_defaults(func=cmd_audit_verify)

    match = sub.add_parser("match", help="the matching of requests to offers")
    match_sub = match.add_subparsers(dest="match_command", required=True, metavar="ACTION")
    solve = match_sub.add_parser(
        "solve",
        help="solve a matching round from its published JSON file",
        description="Read problem.json ({requests, offers, fairness}), compute the optimal "
        "assignment of units (min-cost flow; optional max-min fairness across States) and write "
        "solution.json with the assignments, objective, LP bound, first-come-first-served "
        "baseline and an explanation per request. Needs no database. Exit 2 names the record "
        "at fault in bad input. The method is in docs/methodology-matching.md.",
    )
    solve.add_argument("--input", required=True, help="problem file (JSON)")
    solve.add_argument("--output", required=True, help="solution file to write, or - for stdout")
    solve.add_argument(
        "--fairness",
        choices=["none", "max-min-state"],
        help="override the problem file's fairness setting",
    )
    solve.set_defaults(func=cmd_match_solve)

    fund = sub.add_parser("fund", help="the assistance fund")
    fund_sub = fund.add_subparsers(dest="fund_command", required=True, metavar="ACTION")
    allocate = fund_sub.add_parser(
        "allocate",
        help="run the allocation formula on an inputs file",
        description="Read inputs.json (envelope, base_share, alpha, beta, gamma, floors, "
        "cap_share, states with opaque keys) and write result.json with each State's amount "
        "in cents, which bound held it (floor, cap or formula) and how it was made. Needs no "
        "database. Exit 2 names the field at fault. The method is in "
        "docs/methodology-allocation.md.",
    )
    allocate.add_argument("--input", required=True, help="inputs file (JSON)")
    allocate.add_argument("--output", required=True, help="result file to write, or - for stdout")
    allocate.set_defaults(func=cmd_fund_allocate)
    verify_round = fund_sub.add_parser(
        "verify",
        help="recompute a stored allocation round and compare every figure",
        description="Recompute the allocation round from its stored inputs. Exits 0 only if the "
        "result and every stored allocation match to the cent; otherwise lists each mismatch and "
        "exits 1.",
    )
    verify_round.add_argument("--round", type=int, required=True, help="allocation round number")
    verify_round.set_defaults(func=cmd_fund_verify)

    imports = sub.add_parser(
        "import-indicators",
        help="import indicator values (World Bank CSV or a long layout)",
        description="Read the World Bank's CSV download (Country Name, Country Code, Indicator "
        "Name, Indicator Code, 1960, …) or a long layout (iso3, indicator, year, value, source). "
        "A bad row stops the import with its line number and nothing is written.",
    )
    imports.add_argument("file", help="the CSV file")
    imports.add_argument(
        "--synthetic", action="store_true", help="label the values as synthetic demo data"
    )
    imports.set_defaults(func=cmd_import_indicators)

    export = sub.add_parser(
        "export",
        help="write a public dataset as CSV, XLSX or JSON",
        description="Write one of the public lists with labels in the chosen language. Only "
        "public data: nothing a State keeps confidential is exported.",
    )
    export.add_argument("dataset", choices=EXPORT_DATASETS, help="which list")
    export.add_argument("--format", choices=("csv", "xlsx", "json"), default="csv")
    export.add_argument("--lang", choices=("ar", "zh-hans", "en", "fr", "ru", "es"), default="en")
    export.add_argument(
        "--out", required=True, help="file to write, or - for stdout (for iati: a folder)"
    )
    export.set_defaults(func=cmd_export)

    mirror = sub.add_parser(
        "mirror", help="signed bundles of the public records, for read-only mirrors"
    )
    mirror_sub = mirror.add_subparsers(dest="mirror_command", required=True, metavar="ACTION")
    mirror_export = mirror_sub.add_parser(
        "export",
        help="write a signed bundle of every public record and the audit chain",
        description="Write a tar bundle of every public record and the audit chain, signed with "
        "this installation's Ed25519 key (kept under EF_HOME, or EF_SIGNING_KEY_FILE).",
    )
    mirror_export.add_argument("--out", required=True, help="bundle file to write")
    for name, text in (
        ("verify", "check a bundle's signature, files and audit chain"),
        ("import", "load a verified bundle into an empty installation, read-only"),
    ):
        action = mirror_sub.add_parser(
            name,
            help=text,
            description=text[0].upper() + text[1:] + ". "
            "A bundle that fails any check is refused, naming what fails.",
        )
        action.add_argument("bundle", help="the bundle file")
        action.add_argument(
            "--public-key", help="the source's public key (base64), as it publishes it"
        )
    mirror_sub.choices["verify"].set_defaults(func=cmd_mirror)
    mirror_sub.choices["import"].set_defaults(func=cmd_mirror)
    mirror_export.set_defaults(func=cmd_mirror)

    report_parser = sub.add_parser("report", help="the annual progress report")
    report_sub = report_parser.add_subparsers(dest="report_command", required=True, metavar="KIND")
    annual = report_sub.add_parser(
        "annual",
        help="write the annual progress report as PDF (or HTML)",
        description="Write the year's figures, charts, map, fairness statistics and audit head, "
        "in any of the six languages. PDF by WeasyPrint (needs Pango and the Noto fonts); an "
        "output name ending in .html writes HTML instead.",
    )
    annual.add_argument("--year", type=int, required=True)
    annual.add_argument("--lang", choices=("ar", "zh-hans", "en", "fr", "ru", "es"), default="en")
    annual.add_argument("--out", required=True, help="report.pdf or report.html")
    annual.set_defaults(func=cmd_report)

    secretariat = sub.add_parser(
        "create-secretariat",
        help="create a Secretariat account (the first one, or more)",
        description="Create an account with a verified Secretariat role. The password is read "
        "from EF_PASSWORD or asked for. The account must enrol 2FA before any privileged action.",
    )
    secretariat.add_argument("--username", required=True)
    secretariat.add_argument("--email", required=True)
    secretariat.set_defaults(func=cmd_create_secretariat)

    manage = sub.add_parser(
        "manage",
        help="run a Django management command",
        add_help=False,
        description="Pass everything after 'manage' to Django's manage.py.",
    )
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except Exception as exc:
        # A refusal (a read-only mirror, a missing right) is an answer, not a crash.
        from django.core.exceptions import PermissionDenied

        if isinstance(exc, PermissionDenied):
            print(f"refused: {exc}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
