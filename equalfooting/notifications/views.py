from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from equalfooting.core.errors import InvalidInput
from equalfooting.core.forms import attach_errors

from . import rendering, selectors, services, tokens
from .forms import PreferencesForm
from .models import Notification

PER_PAGE = 25


@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notifications_of(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    language = get_language()
    items = [
        {
            "notification": n,
            "title": rendering.title(kind=n.kind, params=n.params, link=n.link, language=language),
            "link": rendering.local_path(n.link, language),
        }
        for n in page
    ]
    return render(request, "notifications/inbox.html", {"page": page, "items": items})


def _back_to_inbox(request: HttpRequest) -> HttpResponse:
    page = request.POST.get("page", "")
    target = reverse("notifications:inbox")
    return redirect(f"{target}?page={page}" if page.isdigit() else target)


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_of(user=request.user, pk=pk)
    services.notification_mark_read(actor=request.user, notification=notification)
    return _back_to_inbox(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(actor=request.user)
    messages.success(request, _("Every notification is marked as read."))
    return _back_to_inbox(request)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, initial=selectors.deliveries_of(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_set(actor=request.user, choices=form.choices())
        except InvalidInput as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Your choices were saved."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


# The signed token is the credential (no session, no CSRF token): mail programs post to the
# link for one-click unsubscribing (RFC 8058), and a forged token is refused as not found.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        _user, kinds = services.digest_unsubscribe(token=token)
        done = True
    else:
        _user, kinds = tokens.unsubscribe_read(token=token)
        done = False
    labels = [Notification.Kind(kind).label for kind in kinds]
    return render(
        request,
        "notifications/unsubscribe.html",
        {"labels": labels, "done": done, "token": token},
    )
