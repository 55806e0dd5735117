"""`{% base_url %}`: the installation's address (EF_BASE_URL), for links in e-mails."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def base_url() -> str:
    return str(settings.EF_BASE_URL)
