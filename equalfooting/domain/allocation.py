"""The fund's allocation formula, defined exactly so that anyone can check it.

Inputs are opaque keys with indicator values — never names — so permuting identities permutes
the result. With n States:

    b   = envelope · base_share / n                          (equal base)
    s_i = need_i^alpha · size_i^beta · gni_per_capita_i^(−gamma)   (score)
    l_i = max(b, the largest floor among i's groups)          (lower bound)
    u_i = cap_share · envelope                                (upper bound)
    x_i = clip(b + t · s_i, l_i, u_i)

with the unique smallest level t ≥ 0 that makes Σ x_i = envelope. The needs part x_i − b is
then the maximiser of Σ s_i · log(x_i − b) under the floors and caps (weighted Nash welfare).
Amounts are rounded to cents by largest remainder, ties broken by key order, so the sum is
exact. Arithmetic is in decimal at 50 digits (libmpdec is integer arithmetic, so the figures
are the same to the cent on any machine).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Context, Decimal, InvalidOperation, localcontext
from typing import Any

PRECISION = 50
CENT = Decimal("0.01")
# The documented maxima of the formula's inputs (docs/methodology-allocation.md): every number
# within ±10^15 (a thousand trillion dollars, far beyond any envelope), written in at most 40
# characters, and the three exponents within ±10, so no input can make the arithmetic run
# for minutes or overflow.
MAX_MAGNITUDE = Decimal(10) ** 15
MAX_CHARACTERS = 40
MAX_EXPONENT = Decimal(10)
TOLERANCE = Decimal("1e-20")


class AllocationError(ValueError):
    """Bad input or an envelope that cannot be allocated; names the field or the record."""

    def __init__(
        self, where: str, message: str, code: str = "invalid", **params: Decimal | str
    ) -> None:
        # `code` and `params` let an interface word the refusal in its reader's language;
        # `message` is the English wording, for files and the command line.
        self.where, self.message, self.code, self.params = where, message, code, params
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class StateInput:
    key: str
    need: Decimal
    size: Decimal
    gni_per_capita: Decimal
    groups: tuple[str, ...]


@dataclass(frozen=True)
class Inputs:
    envelope: Decimal
    base_share: Decimal
    alpha: Decimal
    beta: Decimal
    gamma: Decimal
    floors: Mapping[str, Decimal]
    cap_share: Decimal
    states: tuple[StateInput, ...]


@dataclass(frozen=True)
class Line:
    key: str
    amount: Decimal  # in cents
    binding: str  # "floor" | "cap" | "formula"
    score: Decimal
    lower: Decimal
    upper: Decimal
    unrounded: Decimal
    floor_group: str | None
    explanation: str


@dataclass(frozen=True)
class Result:
    lines: tuple[Line, ...]
    total: Decimal
    level: Decimal
    base: Decimal


# --- Input -----------------------------------------------------------------------------


def _decimal(
    where: str,
    value: Any,
    *,
    minimum: Decimal | None = None,
    strict: bool = False,
    maximum: Decimal | None = None,
    below: Decimal | None = None,
) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise AllocationError(where, f"must be a number, not {value!r}", "not_number")
    if (isinstance(value, int) and value.bit_length() > 64) or len(str(value)) > MAX_CHARACTERS:
        raise AllocationError(
            where, f"must be a number of at most {MAX_CHARACTERS} characters", "not_number"
        )
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise AllocationError(where, f"must be a number, not {value!r}", "not_number") from None
    if not number.is_finite():
        raise AllocationError(where, "must be a finite number", "not_number")
    if maximum is None or maximum > MAX_MAGNITUDE:
        maximum = MAX_MAGNITUDE
    if minimum is None or minimum < -MAX_MAGNITUDE:
        minimum = -MAX_MAGNITUDE
    if minimum is not None and (number < minimum or (strict and number == minimum)):
        raise AllocationError(
            where,
            f"must be {'>' if strict else '≥'} {minimum}, not {number}",
            "above" if strict else "at_least",
            limit=minimum,
            value=number,
        )
    if maximum is not None and number > maximum:
        raise AllocationError(
            where, f"must be ≤ {maximum}, not {number}", "at_most", limit=maximum, value=number
        )
    if below is not None and number >= below:
        raise AllocationError(
            where, f"must be < {below}, not {number}", "below", limit=below, value=number
        )
    return number


def _exponent(where: str, value: Any) -> Decimal:
    return _decimal(where, value, minimum=-MAX_EXPONENT, maximum=MAX_EXPONENT)


def parse_inputs(data: Any) -> Inputs:
    if not isinstance(data, dict):
        raise AllocationError("inputs", "must be a JSON object")
    for name in ("envelope", "base_share", "alpha", "beta", "gamma", "cap_share", "states"):
        if name not in data:
            raise AllocationError(name, "is missing")
    floors_raw = data.get("floors", {})
    if not isinstance(floors_raw, dict):
        raise AllocationError("floors", "must be an object of group code to amount")
    floors = {str(g): _decimal(f"floors.{g}", v, minimum=Decimal(0)) for g, v in floors_raw.items()}
    if not isinstance(data["states"], list) or not data["states"]:
        raise AllocationError("states", "must be a non-empty list")
    states, seen = [], set()
    for index, raw in enumerate(data["states"]):
        where = f"states[{index}]"
        if not isinstance(raw, dict):
            raise AllocationError(where, "must be an object")
        key = raw.get("key")
        if not isinstance(key, str) or not key:
            raise AllocationError(where, "key must be a non-empty string")
        where = f"state {key!r}"
        if key in seen:
            raise AllocationError(where, "duplicate key")
        seen.add(key)
        for name in ("need", "size", "gni_per_capita"):
            if name not in raw:
                raise AllocationError(where, f"{name} is missing")
        groups = raw.get("groups", [])
        if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
            raise AllocationError(where, "groups must be a list of strings")
        states.append(
            StateInput(
                key=key,
                need=_decimal(f"{where} need", raw["need"], minimum=Decimal(0), maximum=Decimal(1)),
                size=_decimal(f"{where} size", raw["size"], minimum=Decimal(0), strict=True),
                gni_per_capita=_decimal(
                    f"{where} gni_per_capita",
                    raw["gni_per_capita"],
                    minimum=Decimal(0),
                    strict=True,
                ),
                groups=tuple(sorted(set(groups))),
            )
        )
    envelope = _decimal("envelope", data["envelope"], minimum=Decimal(0), strict=True)
    if envelope != envelope.quantize(CENT):
        raise AllocationError(
            "envelope", "must be an amount in cents (at most two decimals)", "cents"
        )
    return Inputs(
        envelope=envelope,
        base_share=_decimal("base_share", data["base_share"], minimum=Decimal(0), below=Decimal(1)),
        alpha=_exponent("alpha", data["alpha"]),
        beta=_exponent("beta", data["beta"]),
        gamma=_exponent("gamma", data["gamma"]),
        floors=floors,
        cap_share=_decimal(
            "cap_share", data["cap_share"], minimum=Decimal(0), strict=True, maximum=Decimal(1)
        ),
        states=tuple(states),
    )


# --- The formula --------------------------------------------------------------------------


def _score(
    ctx: Context, state: StateInput, alpha: Decimal, beta: Decimal, gamma: Decimal
) -> Decimal:
    if state.need == 0:
        if alpha < 0:
            raise AllocationError(
                f"state {state.key!r} need",
                "is 0, which a negative alpha cannot raise",
                "zero_need_negative_alpha",
            )
        need = Decimal(1) if alpha == 0 else Decimal(0)  # 0^0 is taken as 1
    else:
        need = ctx.power(state.need, alpha)
    return ctx.multiply(
        ctx.multiply(need, ctx.power(state.size, beta)), ctx.power(state.gni_per_capita, -gamma)
    )


def _clip(value: Decimal, lower: Decimal, upper: Decimal) -> Decimal:
    return min(max(value, lower), upper)


def _level(
    base: Decimal,
    scores: Sequence[Decimal],
    lower: Sequence[Decimal],
    upper: Sequence[Decimal],
    envelope: Decimal,
) -> Decimal:
    """The smallest t ≥ 0 with f(t) = Σ clip(b + t·s_i, l_i, u_i) = envelope.

    f is continuous, non-decreasing and linear between the points where some State reaches
    its floor or its cap, so find the segment where f crosses the envelope and solve there.
    """
    rows = list(zip(scores, lower, upper, strict=True))

    def f(t: Decimal) -> Decimal:
        return sum((_clip(base + t * s, lo, up) for s, lo, up in rows), Decimal(0))

    if f(Decimal(0)) >= envelope:
        return Decimal(0)
    points = sorted(
        {(bound - base) / s for s, lo, up in rows if s > 0 for bound in (lo, up)} - {Decimal(0)}
    )
    previous = Decimal(0)
    for point in points:
        if point < 0:
            continue
        if f(point) >= envelope:
            low, high = f(previous), f(point)
            return previous + (envelope - low) * (point - previous) / (high - low)
        previous = point
    raise AllocationError(
        "envelope",
        "cannot be spent: every State with a positive score reaches the cap first",
        "cannot_spend",
    )


def allocate(inputs: Inputs) -> Result:
    with localcontext() as ctx:
        ctx.prec = PRECISION
        n = len(inputs.states)
        base = inputs.envelope * inputs.base_share / n
        scores = [_score(ctx, s, inputs.alpha, inputs.beta, inputs.gamma) for s in inputs.states]
        floor_of: list[tuple[Decimal, str | None]] = []
        for s in inputs.states:
            best: tuple[Decimal, str | None] = (Decimal(0), None)
            for g in s.groups:
                if g in inputs.floors and inputs.floors[g] > best[0]:
                    best = (inputs.floors[g], g)
            floor_of.append(best)
        lower = [max(base, f) for f, _g in floor_of]
        cap = inputs.cap_share * inputs.envelope
        upper = [cap] * n
        if sum(lower) > inputs.envelope:
            raise AllocationError(
                "floors",
                f"the lower bounds add up to {sum(lower):.2f}, "
                f"more than the envelope {inputs.envelope:.2f}",
                "floors_exceed_envelope",
                total=sum(lower, Decimal(0)),
                envelope=inputs.envelope,
            )
        if sum(upper) < inputs.envelope:
            raise AllocationError(
                "cap_share",
                f"the caps add up to {sum(upper):.2f}, "
                f"less than the envelope {inputs.envelope:.2f}",
                "caps_below_envelope",
                total=sum(upper, Decimal(0)),
                envelope=inputs.envelope,
            )
        if any(lo > cap for lo in lower):
            raise AllocationError(
                "cap_share", "a State's lower bound is above the cap", "floor_above_cap"
            )
        if all(s == 0 for s in scores) and sum(lower) < inputs.envelope:
            raise AllocationError(
                "states",
                "every score is zero, so the needs share cannot be distributed",
                "scores_zero",
            )
        level = _level(base, scores, lower, upper, inputs.envelope)
        raw = [
            _clip(base + level * s, lo, up) for s, lo, up in zip(scores, lower, upper, strict=True)
        ]
        amounts = _largest_remainder([st.key for st in inputs.states], raw, inputs.envelope)
        lines = []
        rows = zip(inputs.states, scores, lower, upper, raw, amounts, floor_of, strict=True)
        for st, s, lo, up, x, amount, (_f, group) in rows:
            formula = base + level * s
            # Within a hair of a bound, the formula and the bound agree: call it the formula.
            binding = (
                "floor"
                if formula < lo - TOLERANCE
                else "cap"
                if formula > up + TOLERANCE
                else "formula"
            )
            lines.append(
                Line(
                    key=st.key,
                    amount=amount,
                    binding=binding,
                    score=s,
                    lower=lo,
                    upper=up,
                    unrounded=x,
                    floor_group=group if lo > base else None,
                    explanation=_explain(
                        st,
                        s,
                        base,
                        level,
                        lo,
                        up,
                        group if lo > base else None,
                        binding,
                        amount,
                        inputs,
                    ),
                )
            )
    lines.sort(key=lambda line: line.key)
    return Result(tuple(lines), sum((line.amount for line in lines), Decimal(0)), level, base)


def _largest_remainder(
    keys: Sequence[str], raw: Sequence[Decimal], envelope: Decimal
) -> list[Decimal]:
    cents = [(x / CENT).to_integral_value(rounding=ROUND_FLOOR) for x in raw]
    target = (envelope / CENT).to_integral_value(rounding=ROUND_FLOOR)
    short = int(target - sum(cents))
    # Largest remainder first; equal remainders go to the smaller key.
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] / CENT - cents[i]), keys[i]))
    for i in order[: max(short, 0)]:
        cents[i] += 1
    return [(c * CENT).quantize(CENT) for c in cents]


def _explain(
    st: StateInput,
    score: Decimal,
    base: Decimal,
    level: Decimal,
    lower: Decimal,
    upper: Decimal,
    group: str | None,
    binding: str,
    amount: Decimal,
    inputs: Inputs,
) -> str:
    formula = base + level * score
    text = (
        f"Equal base b = {base:.2f}. Score s = need^{inputs.alpha} × size^{inputs.beta} × "
        f"GNI per capita^(−{inputs.gamma}) = {st.need}^{inputs.alpha} × {st.size}^{inputs.beta} × "
        f"{st.gni_per_capita}^(−{inputs.gamma}) = {score:.6g}. Formula b + t·s = {base:.2f} + "
        f"{level:.6g} × {score:.6g} = {formula:.2f}. "
    )
    if binding == "floor":
        text += (
            f"Raised to the floor of {group} ({lower:.2f})."
            if group
            else f"Held at the equal base ({lower:.2f})."
        )
    elif binding == "cap":
        text += f"Limited to the cap of {inputs.cap_share} × envelope ({upper:.2f})."
    else:
        text += "Within the floor and the cap, so the formula applies."
    return text + f" Amount, rounded to cents by largest remainder: {amount}."


def result_json(result: Result) -> dict[str, Any]:
    return {
        "allocations": [
            {
                "key": line.key,
                "amount": f"{line.amount:.2f}",
                "binding": line.binding,
                "score": format(line.score, ".12g"),
                "lower": f"{line.lower:.2f}",
                "upper": f"{line.upper:.2f}",
                "floor_group": line.floor_group,
                "explanation": line.explanation,
            }
            for line in result.lines
        ],
        "total": f"{result.total:.2f}",
        "level": format(result.level, ".15g"),
        "base": f"{result.base:.2f}",
    }
