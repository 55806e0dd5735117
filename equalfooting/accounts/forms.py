from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Role


class OtpTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
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
