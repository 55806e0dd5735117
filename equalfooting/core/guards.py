"""The last door before the database: no row is saved with text or numbers it cannot hold.

Services check their fields and say what is wrong in the mechanism's own words; this guard
catches whatever a door forgot, the same way for forms, the API, the command line and
imports. Before it, a 2,000,000-character title was stored on SQLite and refused with a
server error on PostgreSQL, a NUL character broke PostgreSQL, and a control character broke
the XLSX and IATI files for good. Now each is an `InvalidInput` naming the field, raised
before the row is written, inside the service's transaction, so nothing is written at all.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.signals import pre_save
from django.utils.translation import gettext as _

from equalfooting.domain.text import has_control_characters

from .errors import InvalidInput

# Text fields that hold a value made by the mechanism itself, never typed: left unchecked.
_OURS = ("equalfooting.",)


def _text_errors(field: models.Field[Any, Any], value: str) -> list[str]:
    errors: list[str] = []
    multiline = isinstance(field, models.TextField)
    if has_control_characters(value, multiline=multiline):
        errors.append(
            _("Remove the control characters (such as NUL) from this text.")
            if multiline
            else _("Remove the line breaks and control characters from this text.")
        )
    if field.max_length is not None:
        try:
            MaxLengthValidator(field.max_length)(value)
        except ValidationError as exc:
            errors.extend(exc.messages)
    return errors


def check_row(
    sender: type[models.Model], instance: models.Model, raw: bool = False, **_: Any
) -> None:
    """Refuse a row whose text or integers the database cannot faithfully hold."""
    if raw or not sender.__module__.startswith(_OURS):
        return  # a fixture or a mirror's verified records; Django's own tables
    errors: dict[str, list[str]] = {}
    for field in sender._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(value, str) and isinstance(field, models.CharField | models.TextField):
            problems = _text_errors(field, value)
        elif isinstance(value, int) and isinstance(field, models.IntegerField):
            # The integer fields' validators hold the database's range (2^31 on PostgreSQL).
            try:
                field.run_validators(value)
                problems = []
            except ValidationError as exc:
                problems = exc.messages
        else:
            continue
        if problems:
            errors[field.name] = problems
    if errors:
        raise InvalidInput(errors)


def connect() -> None:
    pre_save.connect(check_row, dispatch_uid="equalfooting.core.guards.check_row")
