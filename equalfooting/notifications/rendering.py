"""Notices as words: subject and bodies in the reader's language, links under EF_BASE_URL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from equalfooting.core.errors import InvalidInput

# The keys of `params` that hold a label's msgid, translated when the notice is rendered.
LABELS = "_labels"
RESERVED = frozenset({"link", "subject", "language", "direction", "preferences_url", "heading"})


def language_of(user: Any) -> str:
    """The person's language for e-mails: their profile's, or the installation's default."""
    chosen = getattr(user, "language", "") or ""
    return chosen if chosen in settings.LANGUAGE_CODES else settings.LANGUAGE_CODE


def site_url(path: str) -> str:
    """An absolute address on this installation: EF_BASE_URL and the path."""
    return settings.EF_BASE_URL + path


def neutral_path(link: str) -> str:
    """The path without its language prefix ("/fr/requests/3/" -> "/requests/3/")."""
    parts = link.split("/", 2)
    if len(parts) >= 2 and parts[0] == "" and parts[1] in settings.LANGUAGE_CODES:
        return "/" + (parts[2] if len(parts) > 2 else "")
    return link


def local_path(link: str, language: str) -> str:
    """A stored path in one language ("/requests/3/" -> "/ar/requests/3/")."""
    return f"/{language}{link}" if link.startswith("/") else link


def freeze(context: dict[str, Any]) -> dict[str, Any]:
    """The caller's values, ready to store: plain values as they are, lazy labels as msgids."""
    params: dict[str, Any] = {}
    labels: list[str] = []
    with translation.override(None):  # no language: a lazy label gives its msgid
        for key, value in context.items():
            if key in RESERVED or key.startswith("_"):
                raise InvalidInput({key: _("This name is reserved in a notification.")})
            if isinstance(value, Promise):
                params[key] = str(value)
                labels.append(key)
            elif value is None or isinstance(value, str | int | float | bool):
                params[key] = value
            else:
                raise InvalidInput({key: _("A notification carries plain values only.")})
    if labels:
        params[LABELS] = labels
    return params


def thaw(params: dict[str, Any]) -> dict[str, Any]:
    """Stored values for a template, labels translated into the active language."""
    labels = set(params.get(LABELS, ()))
    return {
        key: _(value) if key in labels else value for key, value in params.items() if key != LABELS
    }


@dataclass(frozen=True)
class Rendered:
    title: str  # the subject without the site's name: what the inbox lists
    subject: str
    text: str
    html: str


def _context(params: dict[str, Any], link: str, language: str) -> dict[str, Any]:
    return {
        **thaw(params),
        "link": site_url(local_path(link, language)),
        "preferences_url": site_url(reverse("notifications:preferences")),
        "language": language,
        "direction": "rtl" if translation.get_language_bidi() else "ltr",
    }


def _split(text: str) -> tuple[str, str]:
    first, _newline, body = text.strip().partition("\n")
    return " ".join(first.split()), body.strip() + "\n"


def title(*, kind: str, params: dict[str, Any], link: str, language: str) -> str:
    """The one-line title of a notice, in this language."""
    with translation.override(language):
        text = render_to_string(f"notifications/{kind}.txt", _context(params, link, language))
    return _split(text)[0]


def render(*, kind: str, params: dict[str, Any], link: str, language: str) -> Rendered:
    """The e-mail of one notice in one language: subject, plain text and HTML."""
    with translation.override(language):
        context = _context(params, link, language)
        heading, body = _split(render_to_string(f"notifications/{kind}.txt", context))
        subject = f"{_('Equal Footing')}: {heading}"
        html = render_to_string(
            f"notifications/{kind}.html", {**context, "subject": subject, "heading": heading}
        )
    return Rendered(title=heading, subject=subject, text=body, html=html)


def render_digest(
    *, items: list[dict[str, str]], unsubscribe: list[dict[str, Any]], language: str
) -> Rendered:
    """A person's daily digest: each notice's title and link, and the links that stop it."""
    with translation.override(language):
        context = {
            "items": items,
            "unsubscribe": unsubscribe,
            "preferences_url": site_url(reverse("notifications:preferences")),
            "language": language,
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
        }
        heading, body = _split(render_to_string("notifications/digest.txt", context))
        subject = f"{_('Equal Footing')}: {heading}"
        html = render_to_string(
            "notifications/digest.html", {**context, "subject": subject, "heading": heading}
        )
    return Rendered(title=heading, subject=subject, text=body, html=html)
