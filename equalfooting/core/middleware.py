from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from equalfooting.permissions import TwoFactorRequired


class TwoFactorRequiredMiddleware:
    """Send a user whose privileged action needs 2FA to enrol or to enter a code."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, TwoFactorRequired):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": str(exception)}, status=403)
        from django_otp import devices_for_user

        has_device = any(devices_for_user(request.user, confirmed=True))
        target = reverse("accounts:otp_verify" if has_device else "accounts:otp_setup")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


class ReadOnlyMirrorMiddleware:
    """On a read-only mirror, refuse every request that could write, before any view runs."""

    SAFE = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from equalfooting.core.models import is_mirror

        if request.method not in self.SAFE and is_mirror():
            from django.shortcuts import render
            from django.utils.translation import gettext as _

            message = _("This installation is a read-only mirror: nothing can be changed here.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=403)
            return render(request, "errors/403.html", {"message": message}, status=403)
        return self.get_response(request)
