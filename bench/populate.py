"""Fill an installation with synthetic data at a multiple of the demo; prints one JSON object.

    python bench/populate.py --scale 100                       # SQLite under EF_HOME
    DATABASE_URL=postgres://postgres@127.0.0.1/ef_s100 python bench/populate.py --scale 100

First it builds the demo (`equalfooting demo --no-serve`: reference data, people, a round, the
fund), then adds, by bulk inserts, what a mechanism of `--scale` times the demo would hold after
years of use. Per unit of scale: 80 requests, 20 offers, 6 providers, 3 matching rounds with
their matches, 200 fund projects with 50 ledger postings each (an allocation, a commitment, 48
monthly disbursements), and one audit entry per row the audit chain proves (requests, offers,
providers, rounds, postings): at scale 100, 8,000 requests, 2,000 offers, 300 rounds, 20,000
projects, a million postings and a million audit entries.

Everything is synthetic and labelled so (the titles say it; the installation is the demo's). The
audit chain and the ledger stay whole: `equalfooting audit verify` and the ledger's own check
pass afterwards, because each entry records the row as inserted and each account's balance is
the sum of its postings. The database must be new (the command refuses one it filled before).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import random
import secrets
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Per unit of scale (the demo is about one unit).
PER_UNIT = {
    "requests": 80,
    "offers": 20,
    "providers": 6,
    "rounds": 3,
    "projects": 200,
}
POSTINGS_PER_PROJECT = 50  # allocation, commitment and 48 monthly disbursements
BATCH = 5000
MARK = "(synthetic, scale data)"
YEARS = 5  # the synthetic history spreads over this many years before today


def say(message: str) -> None:
    print(f"[populate] {message}", file=sys.stderr, flush=True)


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def build_demo() -> None:
    """The demo at scale 1, in the installation the environment names (its own process)."""
    command = [sys.executable, "-m", "equalfooting.cli", "demo", "--no-serve"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=int, default=100, help="multiple of the demo (>= 1)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.scale < 1:
        parser.error("--scale must be 1 or more")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "equalfooting.settings")
    began = time.perf_counter()
    say("building the demo (scale 1)")
    build_demo()
    import django

    django.setup()
    from equalfooting.fund.models import Project

    if Project.objects.filter(title__endswith=MARK).exists():
        sys.exit("error: this database was populated already; use a new one")
    figures: dict[str, Any] = {"scale": args.scale}
    figures["demo_seconds"] = round(time.perf_counter() - began, 1)
    Populate(args.scale, random.Random(args.seed), figures).run()  # noqa: S311 - synthetic
    figures["seconds"] = round(time.perf_counter() - began, 1)
    print(json.dumps(figures))
    return 0


class Populate:
    def __init__(self, scale: int, rng: random.Random, figures: dict[str, Any]) -> None:
        # Loaded here: Django is set up by main() first.
        from equalfooting.audit.models import AuditHead

        self.scale, self.rng, self.figures = scale, rng, figures
        self.now = dt.datetime.now(dt.UTC)
        head = AuditHead.objects.get(pk=1)
        self.seq, self.head_hash = head.seq, head.hash

    def target(self, name: str, model: Any) -> int:
        """How many rows to add so that the installation holds `scale` units of them."""
        return max(0, PER_UNIT[name] * self.scale - model.objects.count())

    def when(self) -> dt.datetime:
        """A moment of the synthetic history."""
        return self.now - dt.timedelta(seconds=self.rng.randrange(YEARS * 365 * 86400))

    def run(self) -> None:
        from django.db import connection

        _keep_given_times()
        steps = [
            ("providers", self.providers),
            ("offers", self.offers),
            ("requests", self.requests),
            ("rounds", self.rounds),
            ("projects", self.projects),
            ("ledger_postings", self.ledger),
        ]
        for name, step in steps:
            began = time.perf_counter()
            self.figures[name] = step()
            self.figures[f"{name}_seconds"] = round(time.perf_counter() - began, 1)
            say(f"{name}: {self.figures[name]:,} in {self.figures[f'{name}_seconds']} s")
        self.figures["audit_entries"] = self.seq
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    # --- the audit chain ---------------------------------------------------------------------

    def audit(self, object_type: str, action: Any, actor: str, rows: list[Any]) -> None:
        """One entry per row, recording it as inserted (as the service that made it would).
        `action` is the action's name, or a function of the row giving it."""
        from equalfooting.audit.models import AuditEntry, AuditHead
        from equalfooting.audit.records import RECORDED, public_digest, row_state
        from equalfooting.domain.audit import Entry, Statement, digest

        spec = RECORDED[object_type]
        entries = []
        for row in rows:
            state = row_state(spec, row)
            public = getattr(row, "is_public", True)
            statement = Statement(
                actor=actor,
                action=action(row) if callable(action) else action,
                object_type=object_type,
                object_id=str(getattr(row, spec.lookup)),
                digest=digest(state),
                record=digest(state),
                public_record=public_digest(spec, row) if public else "",
            )
            salt = secrets.token_hex(32)
            self.seq += 1
            entry = Entry(
                seq=self.seq,
                at=self.now.isoformat(timespec="microseconds"),
                commitment=statement.commitment(salt),
                disclosed=statement.disclosure() if public else {},
                prev_hash=self.head_hash,
            )
            self.head_hash = entry.hash()
            entries.append(
                AuditEntry(
                    **entry.fields(),
                    hash=self.head_hash,
                    **statement.fields(),
                    salt=salt,
                    payload=state,
                )
            )
        AuditEntry.objects.bulk_create(entries, batch_size=BATCH)
        AuditHead.objects.filter(pk=1).update(seq=self.seq, hash=self.head_hash)

    # --- the mechanism's data ----------------------------------------------------------------

    def providers(self) -> int:
        from django.db import transaction

        from equalfooting.offers.models import Provider

        kinds = [k for k, _label in Provider.Kind.choices]
        rows = [
            Provider(name=f"Provider {n} {MARK}", kind=kinds[n % len(kinds)], is_synthetic=True)
            for n in range(self.target("providers", Provider))
        ]
        with transaction.atomic():
            Provider.objects.bulk_create(rows, batch_size=BATCH)
            self.audit("provider", "offers.provider.create", "system:demo", rows)
        return len(rows)

    def offers(self) -> int:
        from django.db import transaction

        from equalfooting.offers.models import Offer, Provider

        templates = list(Offer.objects.filter(is_synthetic=True).order_by("pk"))
        providers = list(Provider.objects.filter(is_synthetic=True).order_by("pk"))
        rows = []
        for n in range(self.target("offers", Offer)):
            offer = Offer(**_copy(self.rng.choice(templates)))
            offer.provider = providers[n % len(providers)]
            offer.title = f"{offer.title[:120]} {n} {MARK}"
            offer.status = self.rng.choice(
                [Offer.Status.PUBLISHED] * 6
                + [Offer.Status.FULLY_BOOKED, Offer.Status.CLOSED, Offer.Status.WITHDRAWN]
            )
            offer.created_at = self.when()
            rows.append(offer)
        with transaction.atomic():
            Offer.objects.bulk_create(rows, batch_size=BATCH)
            self.audit("offer", "offers.offer.create", "system:demo", rows)
        return len(rows)

    def requests(self) -> int:
        from django.db import transaction

        from equalfooting.accounts.models import Role
        from equalfooting.needs.models import AssistanceRequest
        from equalfooting.registry.models import State

        templates = list(
            AssistanceRequest.objects.filter(submitted_at__isnull=False).order_by("pk")
        )
        states = list(State.objects.order_by("iso3"))
        focal_points = dict(
            Role.objects.filter(kind=Role.Kind.FOCAL_POINT, state__isnull=False).values_list(
                "state_id", "user_id"
            )
        )
        # Years on, most requests have reached the end of their course; a few are under way.
        Status = AssistanceRequest.Status
        statuses = (
            [Status.COMPLETED] * 30
            + [Status.CLOSED_UNMET, Status.WITHDRAWN] * 10
            + [Status.MATCHED] * 15
            + [Status.IN_DELIVERY, Status.PARTLY_MATCHED, Status.OPEN] * 10
            + [Status.SUBMITTED, Status.SCREENING, Status.RETURNED] * 1
        )
        rows = []
        for n in range(self.target("requests", AssistanceRequest)):
            request = AssistanceRequest(**_copy(self.rng.choice(templates)))
            request.status = self.rng.choice(statuses)
            state = states[n % len(states)]
            request.state = state
            request.created_by_id = focal_points.get(state.pk)
            request.assessment = None
            request.title = f"{request.title[:120]} {n} {MARK}"
            request.created_at = self.when()
            request.submitted_at = request.created_at + dt.timedelta(days=1)
            rows.append(request)
        with transaction.atomic():
            AssistanceRequest.objects.bulk_create(rows, batch_size=BATCH)
            self.audit("request", "needs.request.submit", "system:demo", rows)
        return len(rows)

    def rounds(self) -> int:
        """Published rounds, each with its share of the synthetic requests matched. A round's
        published files are the demo round's (their size is what its page reads)."""
        from django.db import transaction

        from equalfooting.matchmaking.models import Match, Round
        from equalfooting.needs.models import AssistanceRequest
        from equalfooting.offers.models import Offer

        template = Round.objects.order_by("pk").first()
        assert template is not None, "the demo holds a matching round"
        offers = list(
            Offer.objects.filter(status=Offer.Status.PUBLISHED).values_list("pk", flat=True)
        )
        requests = list(
            AssistanceRequest.objects.filter(title__endswith=MARK).values_list("pk", "units")
        )
        count = self.target("rounds", Round)
        rounds = [
            Round(
                **{**_copy(template), "status": Round.Status.PUBLISHED},
            )
            for _ in range(count)
        ]
        published = []
        for round_ in rounds:
            round_.opened_at = self.when()
            round_.published_at = round_.opened_at + dt.timedelta(days=14)
            published.append(round_.published_at)
        # Old rounds' matches were answered long ago: most agreed and delivered, some lapsed.
        State, Provider = Match.StateDecision, Match.ProviderDecision
        outcomes = [(State.ACCEPTED, Provider.CONFIRMED, True)] * 8 + [
            (State.LAPSED, Provider.PENDING, False),
            (State.ACCEPTED, Provider.LAPSED, False),
        ]
        with transaction.atomic():
            Round.objects.bulk_create(rounds, batch_size=BATCH)
            matches = []
            for n, (pk, units) in enumerate(requests if count else []):
                round_ = rounds[n % count]
                state, provider, delivered = self.rng.choice(outcomes)
                matches.append(
                    Match(
                        round=round_,
                        request_id=pk,
                        offer_id=self.rng.choice(offers),
                        units=max(1, units // 2),
                        explanation="",
                        state_decision=state,
                        provider_decision=provider,
                        delivery_started=delivered,
                        completed_by_state=delivered,
                        completed_by_provider=delivered,
                        updated_at=published[n % count] + dt.timedelta(days=30),
                    )
                )
            Match.objects.bulk_create(matches, batch_size=BATCH)
            self.audit("round", "matchmaking.round.publish", "system:demo", rounds)
        self.figures["matches"] = len(matches)
        return count

    def projects(self) -> int:
        from django.db import transaction

        from equalfooting.fund.models import Project
        from equalfooting.registry.models import State

        states = list(State.objects.order_by("iso3"))
        # Every one has been paid a first tranche (the ledger below): under way or done.
        statuses = [Project.Status.IN_PROGRESS, Project.Status.COMPLETED]
        rows = []
        for n in range(self.target("projects", Project)):
            tranche = Decimal(self.rng.randrange(500, 5000)).quantize(Decimal("0.01"))
            rows.append(
                Project(
                    state=states[n % len(states)],
                    title=f"Capacity project {n} {MARK}",
                    committed=tranche * (POSTINGS_PER_PROJECT - 2),
                    status=self.rng.choice(statuses),
                    created_at=self.when(),
                    is_synthetic=True,
                )
            )
        with transaction.atomic():
            Project.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)

    def ledger(self) -> int:
        """Each project's money: allocated from the available balance to its State's envelope,
        committed to the project, disbursed in 48 monthly tranches; first, a receipt from a
        pledge covering all of it. Balances are moved by the sums, as `ledger.post` would."""
        from django.db import transaction
        from django.db.models import F

        from equalfooting.fund import ledger
        from equalfooting.fund.models import Account, LedgerTransaction, Project

        Kind = LedgerTransaction.Kind
        projects = list(Project.objects.filter(title__endswith=MARK).select_related("state"))
        total = sum((p.committed for p in projects), Decimal(0))
        codes = {ledger.committed(p.reference) for p in projects} | {
            ledger.envelope(p.state.iso3) for p in projects
        }
        Account.objects.bulk_create(
            [Account(code=code) for code in sorted(codes)], ignore_conflicts=True, batch_size=BATCH
        )
        account = dict(Account.objects.values_list("code", "pk"))
        delta: dict[str, Decimal] = {}

        def move(kind: str, source: str, target: str, amount: Decimal, ref: str, at: Any) -> Any:
            delta[source] = delta.get(source, Decimal(0)) - amount
            delta[target] = delta.get(target, Decimal(0)) + amount
            return LedgerTransaction(
                kind=kind,
                debit_id=account[target],
                credit_id=account[source],
                amount=amount,
                memo=MARK,
                reference=ref,
                actor="system:demo",
                at=at,
            )

        def postings() -> Iterator[Any]:
            start = self.now - dt.timedelta(days=YEARS * 365 + 30)
            yield move(Kind.PLEDGE, ledger.EXTERNAL, ledger.PLEDGED, total, "", start)
            yield move(Kind.RECEIPT, ledger.PLEDGED, ledger.AVAILABLE, total, "", start)
            for p in projects:
                ref, envelope = p.reference, ledger.envelope(p.state.iso3)
                at = min(p.created_at, self.now - dt.timedelta(days=4 * 365))
                tranche = (p.committed / (POSTINGS_PER_PROJECT - 2)).quantize(ledger.CENT)
                yield move(Kind.ALLOCATION, ledger.AVAILABLE, envelope, p.committed, ref, at)
                yield move(Kind.COMMITMENT, envelope, ledger.committed(ref), p.committed, ref, at)
                for month in range(POSTINGS_PER_PROJECT - 2):
                    at_month = at + dt.timedelta(days=30 * (month + 1))
                    yield move(
                        Kind.DISBURSEMENT,
                        ledger.committed(ref),
                        ledger.DISBURSED,
                        tranche,
                        ref,
                        at_month,
                    )

        count = 0
        for rows in batched(postings(), BATCH):
            with transaction.atomic():
                LedgerTransaction.objects.bulk_create(rows)
                self.audit("ledger_transaction", _ledger_action, "system:demo", rows)
            count += len(rows)
            if count % 100_000 < BATCH:
                say(f"ledger postings: {count:,}")
        with transaction.atomic():
            for code, change in delta.items():
                Account.objects.filter(code=code).update(balance=F("balance") + change)
        return count


def _ledger_action(row: Any) -> str:
    return f"fund.ledger.{row.kind}"


def _keep_given_times() -> None:
    """The rows' times are the synthetic history's, not the moment of insertion: the fields
    that Django would set to now on insert keep the value given here."""
    from equalfooting.fund.models import LedgerTransaction, Project
    from equalfooting.matchmaking.models import Match, Round
    from equalfooting.needs.models import AssistanceRequest
    from equalfooting.offers.models import Offer

    Match._meta.get_field("updated_at").auto_now = False
    for model, name in [
        (LedgerTransaction, "at"),
        (Project, "created_at"),
        (Round, "opened_at"),
        (AssistanceRequest, "created_at"),
        (Offer, "created_at"),
    ]:
        model._meta.get_field(name).auto_now_add = False  # type: ignore[union-attr]


def _copy(row: Any) -> dict[str, Any]:
    """A row's field values by attribute name, without its key, to make another like it."""
    return {
        f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if not f.primary_key
    }


if __name__ == "__main__":
    sys.exit(main())
