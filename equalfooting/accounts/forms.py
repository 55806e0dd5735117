from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Role


class OtpTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class OtpVerifyForm(forms.Form):
    """A code from the authenticator, or one of the person's recovery codes."""

    token = forms.CharField(
        label=_("Code from your authenticator, or a recovery code"),
        min_length=6,
        max_length=24,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class TwoFactorResetForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the person reported that their telephone was lost."),
        error_messages={"required": _("Give the reason for the reset.")},
    )


class FocalPointNominationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person nominated"))
    focal_kind = forms.ChoiceField(label=_("Kind of focal point"), choices=Role.FocalKind.choices)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=200,
        required=False,
        help_text=_("For example the note verbale that made the nomination."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            (Role.Status.VERIFIED, _("Verify")),
            (Role.Status.REJECTED, _("Reject")),
            (Role.Status.REVOKED, _("Revoke")),
        ]
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
    scope = forms.ChoiceField(
        label=_("What the token may do"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
    )
    days = forms.IntegerField(label=_("Days before it expires"), min_value=1)

    def __init__(self, *args: Any, longest: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        days = self.fields["days"]
        assert isinstance(days, forms.IntegerField)
        days.max_value, days.initial = longest, longest
        days.validators.append(MaxValueValidator(longest))
        days.widget.attrs["max"] = longest
        days.help_text = _("At most %(days)s days for your roles.") % {"days": longest}


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language for e-mails and notifications"),
        choices=settings.LANGUAGES,
        help_text=_("E-mails and notifications reach you in this language."),
    )
