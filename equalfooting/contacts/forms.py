from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PointOfContact


class ContactForm(forms.ModelForm):
    class Meta:
        model = PointOfContact
        fields = ["kind", "name", "position", "organisation", "email", "phone"]


class CheckRoundForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
