from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail

from equalfooting.fund import ledger
from equalfooting.matchmaking.models import Match
from equalfooting.needs.models import AssistanceRequest
from equalfooting.offers.models import Provider
from tests import factories


def bodies(message: Any) -> str:
    """Everything a reader sees of an e-mail: subject, plain text and the HTML part."""
    html = "".join(str(content) for content, _mime in getattr(message, "alternatives", []))
    return f"{message.subject}\n{message.body}\n{html}"


def sent_to(address: str) -> list[Any]:
    return [m for m in mail.outbox if address in m.to]


@pytest.fixture
def match_proposed(
    focal_point_ken: Any,
    officer: Any,
    provider: Provider,
    provider_rep: Any,
    django_capture_on_commit_callbacks: Any,
) -> Match:
    """A published round proposing one match of a Kenyan request with the provider's offer;
    the e-mails of the steps before the round are cleared."""
    with django_capture_on_commit_callbacks(execute=True):
        factories.assistance_request(
            focal_point_ken, status=AssistanceRequest.Status.OPEN, officer=officer
        )
        factories.published_offer(provider_rep, provider)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        factories.published_round(officer)
    return Match.objects.select_related("request", "offer", "round").get()


@pytest.fixture
def funded_kenya(officer: Any) -> None:
    factories.contribution_received(officer, amount="100000.00")
    ledger.post(
        kind="allocation",
        source=ledger.AVAILABLE,
        target=ledger.envelope("KEN"),
        amount=Decimal("50000.00"),
        actor=officer,
    )
