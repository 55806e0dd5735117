from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from equalfooting.audit.models import AuditEntry
from equalfooting.core.errors import TransitionNotAllowed
from equalfooting.fund import allocation_rounds, ledger
from equalfooting.fund.models import Allocation, Contributor, Indicator
from equalfooting.registry.models import State
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicators() -> None:
    rows = []
    for n, state in enumerate(State.objects.order_by("iso3")):
        rows.append(
            (state.iso3, allocation_rounds.POPULATION, 2025, 1_000_000 + n * 10_000, "Test")
        )
        rows.append((state.iso3, allocation_rounds.GNI_PER_CAPITA, 2025, 500 + n * 100, "Test"))
    factories.indicators(rows)


def fund(officer: Any, amount: str) -> None:
    factories.contribution_received(
        officer, amount=amount, contributor="C", kind=Contributor.Kind.ORGANISATION
    )


PARAMETERS: dict[str, Any] = {
    "envelope": "1000000.00",
    "base_share": "0.2",
    "alpha": "1",
    "beta": "0.5",
    "gamma": "0.125",
    "floors": {"LDC": "3000.00"},
    "cap_share": "0.05",
}


def test_the_formula_never_sees_a_name_or_a_code(officer: Any, indicators: None) -> None:
    fund(officer, "1000000.00")
    round_ = allocation_rounds.round_prepare(actor=officer, **PARAMETERS)
    text = json.dumps(round_.inputs, ensure_ascii=False)
    for state in State.objects.all():
        assert f'"{state.iso3}"' not in text and state.short_name["en"] not in text
    assert len(round_.inputs["states"]) == 195 == len(round_.keys)
    assert sorted(round_.keys.values()) == sorted(State.objects.values_list("iso3", flat=True))


def test_publication_sets_every_envelope_from_the_available_balance(
    officer: Any, indicators: None
) -> None:
    with pytest.raises(ValidationError) as caught:  # nothing received yet: refused at once
        allocation_rounds.round_prepare(actor=officer, **PARAMETERS)
    assert caught.value.message_dict["envelope"] == [
        "The envelope $1,000,000.00 is more than the $0.00 the fund holds available."
    ]
    fund(officer, "1500000.00")
    round_ = allocation_rounds.round_prepare(actor=officer, **PARAMETERS)
    allocation_rounds.round_publish(actor=officer, round_=round_)
    assert sum(a.amount for a in Allocation.objects.all()) == Decimal("1000000.00")
    kenya = Allocation.objects.get(state__iso3="KEN")
    assert ledger.balance(ledger.envelope("KEN")) == kenya.amount
    assert ledger.balance(ledger.AVAILABLE) == Decimal("500000.00")
    assert allocation_rounds.round_verify(round_).ok
    assert ledger.balances_agree()


def test_verification_catches_an_altered_figure(officer: Any, indicators: None) -> None:
    fund(officer, "1000000.00")
    round_ = allocation_rounds.round_prepare(actor=officer, **PARAMETERS)
    allocation_rounds.round_publish(actor=officer, round_=round_)
    Allocation.objects.filter(state__iso3="FRA").update(amount=Decimal("1.00"))
    result = allocation_rounds.round_verify(round_)
    assert not result.ok and any("FRA" in p for p in result.problems)


def test_states_without_data_are_listed_not_silently_dropped(
    officer: Any, indicators: None
) -> None:
    Indicator.objects.filter(state__iso3="VAT").delete()
    fund(officer, "1000000.00")
    round_ = allocation_rounds.round_prepare(actor=officer, **PARAMETERS)
    assert "VAT" in round_.sources["excluded"] and "VAT" not in round_.keys.values()


def test_parameters_that_cannot_be_allocated_are_refused(officer: Any, indicators: None) -> None:
    fund(officer, "1000000.00")
    with pytest.raises(ValidationError) as caught:
        allocation_rounds.round_prepare(actor=officer, **{**PARAMETERS, "cap_share": "0.001"})
    assert "cap_share" in caught.value.message_dict


def test_the_public_pages_of_a_published_round(
    client: Client, officer: Any, indicators: None
) -> None:
    fund(officer, "1000000.00")
    round_ = allocation_rounds.round_prepare(actor=officer, **PARAMETERS)
    assert client.get(f"/en/fund/rounds/{round_.pk}/").status_code == 404  # under review
    allocation_rounds.round_publish(actor=officer, round_=round_)
    assert client.get(f"/en/fund/rounds/{round_.pk}/").status_code == 200
    assert client.get(f"/en/fund/rounds/{round_.pk}/inputs.json").json() == round_.inputs
    assert client.get(f"/en/fund/rounds/{round_.pk}/keys.json").json() == round_.keys
    page = client.get(f"/ar/fund/rounds/{round_.pk}/states/KEN/")
    assert page.status_code == 200 and "كينيا" in page.content.decode()
    overview = client.get("/en/fund/")
    assert overview.status_code == 200 and "1,000,000.00" in overview.content.decode()
    assert client.get("/en/fund/ledger/").status_code == 200


def test_the_secretariat_desk(client: Client, secretariat: Any, indicators: None) -> None:
    assert client.get("/en/fund/manage/").status_code == 403
    factories.login_with_2fa(client, secretariat)
    response = client.post(
        "/en/fund/manage/",
        {
            "form": "pledge",
            "pledge-contributor": "Donor",
            "pledge-kind": "state",
            "pledge-amount": "-10",
            "pledge-currency": "USD",
        },
    )
    assert response.status_code == 422 and "amount" in response.context["pledge"].errors
    response = client.post(
        "/en/fund/manage/",
        {
            "form": "pledge",
            "pledge-contributor": "Donor",
            "pledge-kind": "state",
            "pledge-amount": "250000.00",
            "pledge-currency": "USD",
        },
    )
    assert response.status_code == 302 and ledger.balance(ledger.PLEDGED) == Decimal("250000.00")


def test_money_spent_after_preparing_still_stops_publication(
    officer: Any, indicators: None
) -> None:
    fund(officer, "1000000.00")
    round_ = allocation_rounds.round_prepare(actor=officer, **PARAMETERS)
    factories.contribution_received(officer, amount="1.00", contributor="D")
    ledger.post(
        kind="allocation",
        source=ledger.AVAILABLE,
        target=ledger.envelope("KEN"),
        amount=Decimal("2.00"),
        actor=officer,
    )
    with pytest.raises(ValidationError):
        allocation_rounds.round_publish(actor=officer, round_=round_)


def test_a_proposed_round_is_discarded_on_a_page_of_its_own(
    client: Client, officer: Any, secretariat: Any, indicators: None
) -> None:
    fund(officer, "1000000.00")
    round_ = allocation_rounds.round_prepare(actor=officer, **PARAMETERS)
    factories.login_with_2fa(client, secretariat)
    page = client.get(f"/en/fund/rounds/{round_.pk}/discard/")
    assert page.status_code == 200 and "cannot be undone" in page.content.decode()
    round_.refresh_from_db()
    assert round_.status == round_.Status.PROPOSED  # the page changes nothing
    assert client.post(f"/en/fund/rounds/{round_.pk}/discard/").status_code == 302
    round_.refresh_from_db()
    assert round_.status == round_.Status.DISCARDED
    assert AuditEntry.objects.filter(
        action="fund.allocation.discard", object_id=str(round_.pk)
    ).exists()
    # Discarded: it can be neither published nor discarded again.
    with pytest.raises(TransitionNotAllowed):
        allocation_rounds.round_publish(actor=officer, round_=round_)
    assert client.post(f"/en/fund/rounds/{round_.pk}/discard/").status_code == 409
    assert not Allocation.objects.exists()


def test_a_round_is_worded_in_the_readers_language(
    client: Client, officer: Any, indicators: None
) -> None:
    fund(officer, "1000000.00")
    round_ = allocation_rounds.round_prepare(actor=officer, **PARAMETERS)
    allocation_rounds.round_publish(actor=officer, round_=round_)
    ldc = State.objects.filter(groups__code="LDC").order_by("iso3").first()
    assert ldc is not None
    page = client.get(f"/fr/fund/rounds/{round_.pk}/states/{ldc.iso3}/").content.decode()
    main = page[page.index("<main") :]
    # The derivation in French, with French numbers; no English sentence and no raw code.
    assert "Base égale b = " in main
    assert "Montant, arrondi au cent près" in main
    for english in ("Equal base", "Within the floor", "(formula)", "(floor)", "(cap)"):
        assert english not in main, english
    assert "Test, 2025" in main  # a real source's name is shown as it was imported
    whole = client.get(f"/fr/fund/rounds/{round_.pk}/").content.decode()
    assert "Pays les moins avancés\u00a0: 3\u202f000,00\u00a0$US" in whole
    assert "{'LDC'" not in whole and "fixé par la formule" in whole


def test_the_formulas_refusals_are_in_the_readers_language(officer: Any, indicators: None) -> None:
    fund(officer, "1000000.00")
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        allocation_rounds.round_prepare(actor=officer, **{**PARAMETERS, "cap_share": "1.5"})
    assert refused.value.message_dict == {"cap_share": ["Saisissez une valeur au plus égale à 1."]}
