"""A synthetic register of capacity-building activities for the demo, from several sources.

Deterministic and marked synthetic: generated programmes of generated organisations, each
record labelled so wherever it shows. Most are published as if curated; a few proposals by the
demo's provider and Kenya's focal point wait in the Secretariat's curation queue. The
mechanism's own matches and projects then enter the register by themselves (`sync`).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone, translation

from equalfooting.accounts.models import User
from equalfooting.core.i18n import pick
from equalfooting.demo.people import ACTOR
from equalfooting.needs import framework as fw
from equalfooting.offers.models import Provider
from equalfooting.programmes import services
from equalfooting.programmes.models import Activity
from equalfooting.programmes.sync import mechanism_sync
from equalfooting.registry.models import Group, Region, State

RECORDS = 300
ORGANISATIONS = [
    ("Synthetic Development Agency A (synthetic demo data)", Provider.Kind.STATE),
    ("Synthetic Development Agency B (synthetic demo data)", Provider.Kind.STATE),
    ("Synthetic Regional Cyber Centre (synthetic demo data)", Provider.Kind.REGIONAL),
    ("Synthetic Multilateral Programme (synthetic demo data)", Provider.Kind.UN_ENTITY),
    ("Synthetic University Consortium (synthetic demo data)", Provider.Kind.ACADEMIA),
    ("Synthetic Telecoms Foundation (synthetic demo data)", Provider.Kind.INDUSTRY),
    ("Synthetic Cyber Capacity NGO (synthetic demo data)", Provider.Kind.CIVIL_SOCIETY),
]
FUNDERS = [
    "Synthetic Donor Fund (synthetic demo data)",
    "Synthetic Development Bank (synthetic demo data)",
]
# The language each generated title is written in, in turn: every UN language appears.
TITLE_LANGUAGES = ["en", "fr", "es", "ar", "zh", "ru", "en", "fr"]
DUPLICATE_PAIR = [
    ("Incident response training for CSIRT analysts (synthetic)", "en"),
    ("Formación en respuesta a incidentes para analistas de CSIRT (sintético)", "es"),
]
TWIN = {
    "providers": ["Synthetic Regional Cyber Centre (synthetic demo data)"],
    "provider_kind": Provider.Kind.REGIONAL,
    "themes": ["incident"],
    "modality": Activity.Modality.TRAINING,
    "start": dt.date(2026, 2, 1),
    "end": dt.date(2026, 5, 31),
    "phase": Activity.Phase.COMPLETED,
}
QUEUED = [("demo-provider", "en"), ("demo-provider", "fr"), ("demo-focal-ken", "en")]


def _title(modality: str, theme: str, language: str, number: int) -> str:
    """`Modality: theme (n)`, written in `language`, from the catalogue and the framework."""
    # A record names its language by ISO 639-1 code; the interface calls Chinese zh-hans.
    interface = "zh-hans" if language == "zh" else language
    with translation.override(interface):
        label = str(Activity.Modality(modality).label)
        name = pick(fw.load().dimension(theme).name, interface)  # type: ignore[union-attr]
    # Each language's own punctuation before the theme (French spaces it; Chinese is full-width).
    colon = {"zh": "：", "fr": "\u00a0: "}.get(language, ": ")
    return f"{label}{colon}{name} ({number})"


def _fields(rng: random.Random, states: list[State], number: int) -> dict[str, Any]:
    themes = [d.code for d in fw.load().dimensions]
    provider, kind = rng.choice(ORGANISATIONS)
    modality = rng.choice(Activity.Modality.values)
    theme = rng.choice(themes)
    language = TITLE_LANGUAGES[number % len(TITLE_LANGUAGES)]
    start = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(4 * 365))
    end = start + dt.timedelta(days=rng.choice([5, 30, 180, 365, 730]))
    today = timezone.localdate()
    phase = (
        Activity.Phase.COMPLETED
        if end < today
        else Activity.Phase.ONGOING
        if start <= today
        else Activity.Phase.PLANNED
    )
    return {
        "title": _title(modality, theme, language, number),
        "title_language": language,
        "description": "",
        "providers": [provider],
        "funders": [rng.choice(FUNDERS)] if rng.random() < 0.6 else [],
        "provider_kind": kind,
        "beneficiaries": rng.sample(states, rng.choice([1, 1, 1, 2, 3])),
        "themes": sorted({theme, *rng.sample(themes, rng.choice([0, 0, 1]))}),
        "modality": modality,
        "start": start,
        "end": end,
        "budget": rng.choice(Activity.Budget.values),
        "currency": rng.choice(["USD", "EUR", "GBP", "JPY", ""]),
        "phase": phase,
        "languages": sorted({language, "en"}),
        "source_detail": "",
        "as_of": today,
    }


def build(*, officer: str) -> None:
    if (
        Activity.objects.exclude(source=Activity.Source.MECHANISM)
        .filter(is_synthetic=True)
        .exists()
    ):
        mechanism_sync(actor=ACTOR)  # the demo's matches and projects may have grown
        return
    rng = random.Random(14)  # noqa: S311 - reproducible synthetic data, not secrets
    states = list(State.objects.order_by("iso3"))
    for number in range(1, RECORDS + 1):
        fields = _fields(rng, states, number)
        if number % 10 == 0:  # some programmes serve a whole region or group instead
            fields["beneficiaries"] = []
            if number % 20 == 0:
                fields["beneficiary_group"] = rng.choice(list(Group.objects.all()))
            else:
                fields["beneficiary_region"] = rng.choice(
                    list(Region.objects.filter(parent__isnull=False))
                )
        imported = number % 3 == 0
        activity = services.activity_propose(
            actor=ACTOR,
            source=Activity.Source.IMPORTED if imported else Activity.Source.SELF_REPORTED,
            source_key=f"SYNTHETIC-{number:04d}" if imported else "",
            is_synthetic=True,
            **{
                **fields,
                "source_detail": "Synthetic IATI file (synthetic demo data)" if imported else "",
            },
        )
        if number % 25 == 0:
            continue  # left waiting in the queue, as submitted
        for step in (Activity.Curation.UNDER_CURATION, Activity.Curation.PUBLISHED):
            services.activity_curate(actor=officer, activity=activity, target=step)
    # One programme reported twice, once in English and once in Spanish: the Secretariat's
    # page of candidate duplicates proposes the pair.
    for title, language in DUPLICATE_PAIR:
        twin = services.activity_propose(
            actor=ACTOR,
            is_synthetic=True,
            **{
                **_fields(rng, states, RECORDS),
                **TWIN,
                "title": title,
                "title_language": language,
                "beneficiaries": list(State.objects.filter(iso3__in=["GHA", "SEN"])),
            },
        )
        for step in (Activity.Curation.UNDER_CURATION, Activity.Curation.PUBLISHED):
            services.activity_curate(actor=officer, activity=twin, target=step)
    # Proposals by the demo's provider and Kenya's focal point, waiting for curation.
    for index, (username, language) in enumerate(QUEUED, start=RECORDS + 1):
        person = User.objects.get(username=username)
        fields = _fields(rng, states, index)
        fields["title"] = _title(fields["modality"], fields["themes"][0], language, index)
        fields["title_language"] = language
        if username == "demo-focal-ken":
            fields["beneficiaries"] = [State.objects.get(iso3="KEN")]
        services.activity_propose(actor=person, is_synthetic=True, **fields)
    mechanism_sync(actor=ACTOR)
