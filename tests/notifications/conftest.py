from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail

from equalfooting.fund import ledger
from tests import factories


def bodies(message: Any) -> str:
    """Everything a reader sees of an e-mail: subject, plain text and the HTML part."""
    html = "".join(str(content) for content, _mime in getattr(message, "alternatives", []))
    return f"{message.subject}\n{message.body}\n{html}"


def sent_to(address: str) -> list[Any]:
    return [m for m in mail.outbox if address in m.to]


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
