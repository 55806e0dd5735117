"""An allocation round worded in the reader's language: its parameters, each State's derivation
("how the figure was made"), what bound each amount, where each input came from, and the
formula's refusals.

The formula (`domain.allocation`) keeps its results as figures and codes, with an English text
for the files and the command line; the pages word the same figures here, with the catalogues
and the reader's way of writing numbers. A round made before the figures were kept shows its
English text, marked as English.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from equalfooting.core.numbers import money, number, percent
from equalfooting.domain.allocation import AllocationError
from equalfooting.registry.models import Group, State

from .models import Account, LedgerTransaction


@dataclass(frozen=True)
class Worded:
    text: str
    lang: str = ""  # "en" when only an older round's English text is known


# What held each State's amount where it is.
BINDING = {
    "floor": gettext_lazy("raised to its floor"),
    "cap": gettext_lazy("limited by the cap"),
    "formula": gettext_lazy("set by the formula"),
}

PARAMETERS = {
    "envelope": gettext_lazy("Envelope"),
    "base_share": gettext_lazy("Share shared equally (base)"),
    "alpha": gettext_lazy("Weight of need (α)"),
    "beta": gettext_lazy("Weight of size (β)"),
    "gamma": gettext_lazy("Weight of income (γ)"),
    "floors": gettext_lazy("Floors by group"),
    "cap_share": gettext_lazy("Cap per State (share of the envelope)"),
}


def binding(code: str) -> str:
    return str(BINDING.get(code, code))


def group(code: str | None) -> str:
    return str(Group.LABELS.get(code, code)) if code else ""


def parameters(inputs: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(code, label, value as the reader writes it) for each parameter of the formula."""
    shown = []
    for code, label in PARAMETERS.items():
        value = inputs.get(code)
        if value is None:
            continue
        if code == "envelope":
            text = money(value)
        elif code == "floors":
            # The pair and the separator are the reader's: French sets ':' and ';' apart.
            pairs = (
                pgettext("a group and its floor", "%(group)s: %(amount)s")
                % {"group": group(g), "amount": money(v)}
                for g, v in sorted(value.items())
            )
            text = pgettext("between two floors", "; ").join(pairs) or "—"
        elif code in ("base_share", "cap_share"):
            text = percent(value, 2 if _places(value) > 2 else 0)
        else:
            text = number(value)
        shown.append((code, str(label), text))
    return shown


def derivation(
    inputs: Mapping[str, Any], entry: Mapping[str, Any], line: Mapping[str, Any]
) -> Worded:
    """How one State's amount was made, step by step, from the round's own figures."""
    if "lower" not in line:  # a round made before the figures were kept with each line
        return Worded(str(line.get("explanation", "")), lang="en")
    base = Decimal(inputs["envelope"]) * Decimal(inputs["base_share"]) / len(inputs["states"])
    score = Decimal(line["score"])
    steps = [
        _("Equal base b = %(base)s.") % {"base": money(base)},
        _(
            "Score s = need^α × size^β × GNI per capita^(−γ) = %(need)s^%(alpha)s × "
            "%(size)s^%(beta)s × %(gni)s^(−%(gamma)s) = %(score)s."
        )
        % {
            "need": number(entry["need"]),
            "size": number(entry["size"]),
            "gni": number(entry["gni_per_capita"]),
            "alpha": number(inputs["alpha"]),
            "beta": number(inputs["beta"]),
            "gamma": number(inputs["gamma"]),
            "score": number(round(score, 6)),
        },
    ]
    kind = line["binding"]
    if kind == "floor" and line.get("floor_group"):
        steps.append(
            _(
                "The formula gives less than the floor of %(group)s, so the amount is raised "
                "to %(floor)s."
            )
            % {"group": group(line["floor_group"]), "floor": money(line["lower"])}
        )
    elif kind == "floor":
        steps.append(
            _("The formula gives less than the equal base, so the amount is held at %(floor)s.")
            % {"floor": money(line["lower"])}
        )
    elif kind == "cap":
        steps.append(
            _(
                "The formula gives more than the cap of %(share)s of the envelope, so the amount "
                "is limited to %(cap)s."
            )
            % {"share": percent(inputs["cap_share"], 2), "cap": money(line["upper"])}
        )
    else:
        steps.append(_("The amount lies between the floor and the cap, so the formula applies."))
    steps.append(
        _("Amount, rounded to the cent by the largest-remainder method: %(amount)s.")
        % {"amount": money(line["amount"])}
    )
    return Worded(" ".join(steps))


def source(value: Any) -> Worded:
    """Where one input came from. Older rounds kept an English sentence; newer ones keep
    what it is ({"kind": …}), worded here."""
    if not isinstance(value, Mapping):
        return Worded(str(value or ""), lang="en" if value else "")
    kind = value.get("kind")
    if kind == "assessment":
        return Worded(
            _("the State's self-assessment, version %(version)s") % {"version": value["version"]}
        )
    if kind == "neutral":
        return Worded(
            _("no data: the neutral value %(value)s is used") % {"value": number(value["value"])}
        )
    # A synthetic figure's source is the demo's own label, said in the reader's language.
    named = _("Synthetic demo data") if value.get("synthetic") else value.get("source", "")
    text = f"{named}, {value.get('year', '')}"
    if kind == "population":
        return Worded(_("population in millions: %(source)s") % {"source": text})
    return Worded(text)


def excluded(value: Any) -> Worded:
    if value == "no_population_or_gni":
        return Worded(_("no population or GNI per capita figure"))
    return Worded(str(value), lang="en")


def refusal(exc: AllocationError) -> str:
    """The formula's refusal of an input, in the reader's language."""
    p = exc.params
    if exc.code == "not_number":
        return _("Enter a number.")
    if exc.code == "at_least":
        return _("Enter a value of at least %(limit)s.") % {"limit": number(p["limit"])}
    if exc.code == "above":
        return _("Enter a value greater than %(limit)s.") % {"limit": number(p["limit"])}
    if exc.code == "at_most":
        return _("Enter a value of at most %(limit)s.") % {"limit": number(p["limit"])}
    if exc.code == "below":
        return _("Enter a value less than %(limit)s.") % {"limit": number(p["limit"])}
    if exc.code == "cents":
        return _("Enter an amount with at most two decimal places.")
    if exc.code == "zero_need_negative_alpha":
        return _("A State's need is zero, which a negative weight of need cannot raise.")
    if exc.code == "cannot_spend":
        return _(
            "The envelope cannot be spent: every State with a positive score reaches the cap first."
        )
    if exc.code == "floors_exceed_envelope":
        return _("The floors add up to %(total)s, more than the envelope of %(envelope)s.") % {
            "total": money(p["total"]),
            "envelope": money(p["envelope"]),
        }
    if exc.code == "caps_below_envelope":
        return _("The caps add up to %(total)s, less than the envelope of %(envelope)s.") % {
            "total": money(p["total"]),
            "envelope": money(p["envelope"]),
        }
    if exc.code == "floor_above_cap":
        return _("A State's floor is above the cap.")
    if exc.code == "scores_zero":
        return _("Every State's score is zero, so the share by need cannot be distributed.")
    # Only files reach the structural checks (the form builds its inputs itself).
    return _("The inputs are not valid: %(detail)s") % {"detail": str(exc)}


def _places(value: Any) -> int:
    try:
        exponent = Decimal(str(value)).normalize().as_tuple().exponent
    except InvalidOperation:
        return 0
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


ACCOUNTS: dict[str, Any] = {
    Account.Code.EXTERNAL: gettext_lazy("Outside the fund"),
    Account.Code.PLEDGED: gettext_lazy("Pledges not yet received"),
    Account.Code.AVAILABLE: gettext_lazy("Available for allocation"),
    Account.Code.DISBURSED: gettext_lazy("Disbursed"),
}


def with_account_names(transactions: Iterable[LedgerTransaction]) -> list[LedgerTransaction]:
    """The transactions, each given `from_name` and `to_name`: its accounts named in the
    reader's language ("Envelope of Kenya" for `envelope:KEN`), with one query for the States."""
    rows = list(transactions)
    codes = {t.credit.code for t in rows} | {t.debit.code for t in rows}
    iso3s = {code.split(":", 1)[1] for code in codes if code.startswith("envelope:")}
    states = {s.iso3: s.name for s in State.objects.filter(iso3__in=iso3s)}
    for t in rows:
        t.from_name = account_name(t.credit.code, states)  # type: ignore[attr-defined]
        t.to_name = account_name(t.debit.code, states)  # type: ignore[attr-defined]
    return rows


def account_name(code: str, states: Mapping[str, str]) -> str:
    if code in ACCOUNTS:
        return str(ACCOUNTS[code])
    kind, _sep, which = code.partition(":")
    if kind == "envelope":
        return _("Envelope of %(state)s") % {"state": states.get(which, which)}
    if kind == "committed":
        # The sentence escaped, then the reference put in as markup: isolated left to right
        # and never broken at its hyphen, so that in Arabic, and on a phone, "PRJ-00042" stays
        # one word in its place among the words around it. (Account names are for pages only.)
        sentence = conditional_escape(_("Committed to project %(reference)s"))
        reference = format_html('<bdi dir="ltr" class="reference">{}</bdi>', which)
        return mark_safe(sentence % {"reference": reference})  # both parts escaped above
    if kind == "sponsorship":  # the budget of a call to sponsor delegates to an event
        sentence = conditional_escape(_("Sponsorship of delegates to %(reference)s"))
        reference = format_html('<bdi dir="ltr" class="reference">{}</bdi>', which)
        return mark_safe(sentence % {"reference": reference})  # both parts escaped above
    return code
