"""Middleware of the web shell: the one place pages answer the mechanism's errors."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import devices_for_user

from equalfooting.core.errors import (
    InvalidInput,
    TransitionNotAllowed,
    TwoFactorRequired,
    Unavailable,
)
from equalfooting.core.models import is_mirror
from equalfooting.domain.text import has_control_characters


def _control_characters(request: HttpRequest) -> str:
    """The first query parameter (name or value) holding a character no text may hold."""
    for name, values in request.GET.lists():
        if any(has_control_characters(v) for v in [name, *values]):
            return name.encode("unicode_escape").decode()[:40]
    return ""


def _back(request: HttpRequest) -> str:
    """Where "Back" leads from a refusal: the page the user came from, if it is ours."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return reverse("core:home")


# The refusals a page answers with its reason and a Back link: kind, page title, status.
REFUSALS = (
    (TransitionNotAllowed, gettext_lazy("This step cannot be taken now"), 409),
    (InvalidInput, gettext_lazy("The information given cannot be accepted"), 422),
    (Unavailable, gettext_lazy("This cannot be done on this server"), 503),
)


class DomainErrorMiddleware:
    """Answer a refusal a view did not handle itself, the same way on every page.

    A step outside a workflow's transition table is a conflict (409); input a service refused
    outside any form is unprocessable (422); what this server lacks (a PDF's font) is 503,
    naming what to install; all say why and lead back. A privileged action
    without two-factor authentication sends the user to enrol or to enter a code. Not found
    and not allowed are Django's own 404 and 403, rendered by `views.error_404/403`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = _control_characters(request)
        if refused:
            # A query no page or route could use (PostgreSQL cannot even compare it): refused
            # here, the same for every search, filter and page, naming the parameter.
            message = _("Remove the control characters (such as NUL) from this text.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": f"{refused}: {message}"}, status=422)
            return render(
                request,
                "errors/refused.html",
                {
                    "title": REFUSALS[1][1],
                    "messages_": [f"{refused}: {message}"],
                    "back": _back(request),
                },
                status=422,
            )
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None  # the API maps its errors itself, as JSON
        if isinstance(exception, TwoFactorRequired):
            has_device = any(devices_for_user(request.user, confirmed=True))
            target = reverse("accounts:otp_verify" if has_device else "accounts:otp_setup")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        for refused, title, status in REFUSALS:
            if isinstance(exception, refused):
                messages = (
                    exception.messages if isinstance(exception, InvalidInput) else [str(exception)]
                )
                return render(
                    request,
                    "errors/refused.html",
                    {"title": title, "messages_": messages, "back": _back(request)},
                    status=status,
                )
        return None


class ReadOnlyMirrorMiddleware:
    """On a read-only mirror, refuse every request that could write, before any view runs."""

    SAFE = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in self.SAFE and is_mirror():
            message = _("This installation is a read-only mirror: nothing can be changed here.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=403)
            return render(request, "errors/403.html", {"message": message}, status=403)
        return self.get_response(request)
