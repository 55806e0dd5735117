from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from equalfooting.audit import selectors
from equalfooting.core.paging import keyset_page


@require_safe
def audit_chain(request: HttpRequest) -> HttpResponse:
    """The public audit chain, newest first, with the head hash anyone can compare."""
    page = keyset_page(selectors.public_entries(), request, key="seq")
    seq, head = selectors.audit_head()
    return render(request, "transparency/audit.html", {"page": page, "head": head, "head_seq": seq})
