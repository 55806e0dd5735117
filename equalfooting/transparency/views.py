from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from equalfooting.audit import selectors


@require_safe
def audit_chain(request: HttpRequest) -> HttpResponse:
    """The public audit chain, newest first, with the head hash anyone can compare."""
    paginator = Paginator(selectors.public_entries().order_by("-seq"), 50)
    page = paginator.get_page(request.GET.get("page"))
    seq, head = selectors.audit_head()
    return render(request, "transparency/audit.html", {"page": page, "head": head, "head_seq": seq})
