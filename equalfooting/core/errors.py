"""The mechanism's errors, defined once.

Services raise these and nothing else when they refuse; each interface maps them in one place:
pages in `equalfooting.web.middleware.DomainErrorMiddleware` (403, 404, 409, 422; a form shows
`InvalidInput` on its fields through `core.forms.attach_errors`), the API in
`equalfooting.api.main` (the same codes as JSON), the command line in `equalfooting.cli` (exit 2).
`Unavailable` (503) is the one refusal that is about the machine rather than the input.

Each builds on Django's own exception where there is one, so Django's handlers and tests that
expect its exceptions keep working: `NotFound` is an `Http404`, `NotAllowed` a
`PermissionDenied`, `InvalidInput` a `ValidationError` (its `message_dict` names the fields).

The three that owe Django nothing (`InvalidFile`, `Unavailable`, `TransitionNotAllowed`) are
defined in `equalfooting.domain.errors` and named here too, so that commands which need no
database (`match solve`, `fund allocate`) start without loading Django.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from equalfooting.domain.errors import InvalidFile, TransitionNotAllowed, Unavailable

__all__ = [
    "InvalidFile",
    "InvalidInput",
    "MirrorReadOnly",
    "NotAllowed",
    "NotFound",
    "TransitionNotAllowed",
    "TwoFactorRequired",
    "Unavailable",
]


class NotFound(Http404):
    """No such object, or none the actor may know of (404)."""


class NotAllowed(PermissionDenied):
    """The actor may not do this (403)."""


class TwoFactorRequired(NotAllowed):
    """The right comes from a privileged role, but this session has not passed 2FA."""


class MirrorReadOnly(NotAllowed):
    """This installation is a read-only mirror: nothing can be changed here."""


class InvalidInput(ValidationError):
    """The input is wrong; built from {field: message}, so every refusal names its field (422).

    Nothing has been written when it is raised: services check before they write, and write
    inside one transaction.
    """
