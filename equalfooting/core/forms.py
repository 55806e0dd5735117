from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def attach_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's refusal on the form: each message by its field, the rest on top."""
    for field, problems in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)
