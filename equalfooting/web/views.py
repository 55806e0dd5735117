from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language, get_language_bidi
from django.views.decorators.http import require_safe

from equalfooting.audit.selectors import audit_head
from equalfooting.registry import selectors as registry


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    seq, head = audit_head()
    return render(
        request,
        "core/home.html",
        {"counts": registry.registry_counts(), "audit_seq": seq, "audit_head": head},
    )


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", {"message": str(exception or "")}, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = ""
    if exception is not None and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    return render(request, "errors/404.html", {"message": message}, status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No request context: the failure may be the database the context processors read.
    html = render_to_string(
        "errors/500.html",
        {
            "LANGUAGE_CODE": get_language(),
            "text_direction": "rtl" if get_language_bidi() else "ltr",
        },
    )
    return HttpResponse(html, status=500)
