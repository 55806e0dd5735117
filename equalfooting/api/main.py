"""The JSON API at /api/v1/, described by OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI

from equalfooting.contacts.api import router as contacts_router
from equalfooting.core.errors import InvalidFile, TransitionNotAllowed, Unavailable
from equalfooting.fund.api import router as fund_router
from equalfooting.matchmaking.api import router as matchmaking_router
from equalfooting.needs.api import router as needs_router
from equalfooting.offers.api import router as offers_router
from equalfooting.registry.api import router as registry_router
from equalfooting.transparency.api import router as transparency_router

api = NinjaAPI(
    title="Equal Footing API",
    version="1",
    description=(
        "Public data of the mechanism, and writes for authenticated users with a bearer token. "
        "Every route applies the same permission rules as the web pages."
    ),
    urls_namespace="api",
)
api.add_router("/", registry_router)
api.add_router("/", needs_router)
api.add_router("/", contacts_router)
api.add_router("/", offers_router)
api.add_router("/", matchmaking_router)
api.add_router("/", fund_router)
api.add_router("/", transparency_router)


# The one place the API answers the mechanism's errors (`equalfooting.core.errors`), each as
# JSON {"detail": ...}. Three handlers are registered for Django's own exception, which the
# mechanism's errors extend (ninja looks a handler up along the exception's classes), so
# `NotAllowed`, `TwoFactorRequired` and `MirrorReadOnly` are 403, `NotFound` 404 and
# `InvalidInput` 422 naming each field; `TransitionNotAllowed` is 409, `InvalidFile` 422,
# `Unavailable` 503 (this server lacks what the request needs: the message names it).


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Not found"}, status=404)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A service refused the input: name each field and what is wrong with it."""
    if hasattr(exc, "error_dict"):
        detail = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    else:
        detail = " ".join(exc.messages)
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(TransitionNotAllowed)
def conflict(request: HttpRequest, exc: TransitionNotAllowed) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(InvalidFile)
def invalid_file(request: HttpRequest, exc: InvalidFile) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=422)


@api.exception_handler(Unavailable)
def unavailable(request: HttpRequest, exc: Unavailable) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=503)
