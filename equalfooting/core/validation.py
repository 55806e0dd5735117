"""Small checks shared by the services that validate requests and offers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _


def clean_date(value: Any, field: str, errors: dict[str, list[str]]) -> dt.date | None:
    """A date, or None; a value that is not an ISO date is reported against `field`."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors.setdefault(field, []).append(_("Enter a date as YYYY-MM-DD."))
        return None


def clean_choices(values: Any, allowed: Sequence[str]) -> list[str] | None:
    """A non-empty list drawn from `allowed`, in the order of `allowed`; None if it is not."""
    if not isinstance(values, list) or not values or not set(values) <= set(allowed):
        return None
    return [v for v in allowed if v in values]


def limit(model: Any, name: str) -> int:
    """A text field's maximum length, from the model: the one number the API schemas, the
    forms and the database guard (`core.guards`) all use."""
    length = model._meta.get_field(name).max_length
    if length is None:
        raise ValueError(f"{model.__name__}.{name} has no max_length")
    return int(length)
