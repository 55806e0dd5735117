"""The JSON API at /api/v1/, described by OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja import errors as ninja_errors

from equalfooting.accounts.api_auth import read_auth
from equalfooting.contacts.api import router as contacts_router
from equalfooting.core.errors import InvalidFile, TransitionNotAllowed, Unavailable
from equalfooting.fund.api import router as fund_router
from equalfooting.matchmaking.api import router as matchmaking_router
from equalfooting.needs.api import router as needs_router
from equalfooting.offers.api import router as offers_router
from equalfooting.programmes.api import router as programmes_router
from equalfooting.registry.api import router as registry_router
from equalfooting.transparency.api import router as transparency_router

# The refusals every operation can answer, in the one shape {"detail": "..."} (`Error`). Ninja
# documents only the answers a route declares; the contract (schemathesis in CI) requires
# every answer to be documented, so the document adds what each kind of operation can refuse.
REFUSALS = {
    401: "A bearer token was sent that opens nothing: unknown, expired, revoked or ended.",
    403: "Not allowed: the role, the token's scope, two-factor authentication, or a mirror.",
    404: "No such object, or not one the caller may see.",
    409: "The step is not in the object's transition table.",
    422: "The input is refused; the detail names each field and what is wrong.",
}


class EqualFootingAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        error = {"$ref": "#/components/schemas/Error"}
        schema["components"]["schemas"].setdefault(
            "Error",
            {
                "title": "Error",
                "type": "object",
                "properties": {"detail": {"title": "Detail", "type": "string"}},
                "required": ["detail"],
            },
        )
        for path, methods in schema["paths"].items():
            for method, operation in methods.items():
                answers = operation.setdefault("responses", {})
                codes = [401]
                if operation.get("parameters") or operation.get("requestBody"):
                    codes.append(422)
                if "{" in path:
                    codes.append(404)
                if method != "get":
                    codes += [403, 409]
                # Ninja keys the answers by number; a text key beside a number would be the
                # same key twice in the JSON, which Swagger UI's parser refuses.
                declared = {int(code) for code in answers}
                for code in codes:
                    if code not in declared:
                        answers[code] = {
                            "description": REFUSALS[code],
                            "content": {"application/json": {"schema": error}},
                        }
        return schema


api = EqualFootingAPI(
    title="Equal Footing API",
    version="1",
    description=(
        "Public data of the mechanism, and writes for authenticated users with a bearer token. "
        "Every route applies the same permission rules as the web pages."
    ),
    urls_namespace="api",
    # Every route without its own: open to all, and a token sent is checked, never ignored.
    auth=read_auth,
)
api.add_router("/", registry_router)
api.add_router("/", needs_router)
api.add_router("/", contacts_router)
api.add_router("/", offers_router)
api.add_router("/", matchmaking_router)
api.add_router("/", fund_router)
api.add_router("/", programmes_router)
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


@api.exception_handler(ninja_errors.ValidationError)
def invalid_request(request: HttpRequest, exc: ninja_errors.ValidationError) -> HttpResponse:
    """A request the schema refuses (a field too long, of the wrong type, missing): the same
    shape as every other refusal, {"detail": "field: message; ..."}, as the schema documents
    it — not ninja's own list of error objects."""
    parts = []
    for error in exc.errors:
        where = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path")]
        name = ".".join(where[1:] if len(where) > 1 and where[0] == "payload" else where)
        parts.append(f"{name}: {error.get('msg', 'invalid')}" if name else error.get("msg", ""))
    detail = "; ".join(parts) or _("The input is refused.")
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(ninja_errors.AuthenticationError)
def unauthenticated(request: HttpRequest, exc: ninja_errors.AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": _("Authentication failed: the token is unknown, expired, revoked or ended.")},
        status=401,
    )


@api.exception_handler(TransitionNotAllowed)
def conflict(request: HttpRequest, exc: TransitionNotAllowed) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(InvalidFile)
def invalid_file(request: HttpRequest, exc: InvalidFile) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=422)


@api.exception_handler(Unavailable)
def unavailable(request: HttpRequest, exc: Unavailable) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=503)
