from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from equalfooting import permissions
from equalfooting.core.errors import InvalidInput
from equalfooting.core.forms import attach_errors
from equalfooting.jobs.selectors import jobs_unfinished
from equalfooting.registry.models import State
from equalfooting.registry.selectors import state_from_iso3

from . import selectors, services
from .forms import CheckRoundForm, ContactForm
from .models import ContactCheck, PointOfContact
from .selectors import contact_from_id

MESSAGE_TEMPLATES = {
    "request": "contacts/messages/request.txt",
    "notification": "contacts/messages/notification.txt",
    "acknowledgement": "contacts/messages/acknowledgement.txt",
}


@require_safe
@permissions.guard("contact.directory")
def directory(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "contacts/directory.html",
        {
            "entries": selectors.directory_entries(),
            "pending": selectors.pending()
            if permissions.can(request.user, "contact.verify")
            else [],
        },
    )


@require_http_methods(["GET", "POST"])
@permissions.guard("contact.nominate", load=state_from_iso3)
def contact_nominate(request: HttpRequest, iso3: str, obj: State) -> HttpResponse:
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_nominate(actor=request.user, state=obj, **form.cleaned_data)
        except InvalidInput as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request, _("The point of contact was nominated. The Secretariat will verify it.")
            )
            return redirect("registry:state_detail", iso3=obj.iso3)
    return render(
        request,
        "contacts/nominate.html",
        {"state": obj, "form": form},
        status=422 if form.errors else 200,
    )


@require_POST
@permissions.guard("contact.verify", load=contact_from_id)
def contact_verify(request: HttpRequest, contact_id: int, obj: PointOfContact) -> HttpResponse:
    services.contact_verify(actor=request.user, contact=obj)
    messages.success(request, _("The contact was verified."))
    return redirect("contacts:directory")


@require_http_methods(["GET", "POST"])
@permissions.guard("contact.check.launch")
def check_rounds(request: HttpRequest) -> HttpResponse:
    form = CheckRoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.check_round_launch(
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except InvalidInput as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "The check round was launched. A worker sends every verified contact a "
                    "link; this page shows when it is done."
                ),
            )
            return redirect("jobs:job_detail", job_id=job.pk)
    return render(
        request,
        "contacts/checks.html",
        {
            "form": form,
            "rounds": selectors.check_rounds_figures(with_due=True),
            "detail": True,
            # Rounds whose links a worker is still sending: their job pages show how far.
            "sending": jobs_unfinished(handler=services.CHECK_ROUND_SEND),
        },
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def check_acknowledge(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link a contact receives. GET asks; POST records (so link scanners don't)."""
    check: ContactCheck | None = selectors.contact_check_from_token(token=token)
    newly = False
    if request.method == "POST":
        check, newly = services.contact_check_acknowledge(token=token)
    return render(request, "contacts/acknowledge.html", {"check": check, "newly": newly})


@require_safe
def statistics(request: HttpRequest) -> HttpResponse:
    return render(request, "contacts/statistics.html", selectors.public_figures())


@require_safe
@permissions.guard("contact.directory")
def message_templates(request: HttpRequest) -> HttpResponse:
    """Templates for common communications, in any of the six languages."""
    language = request.GET.get("in", translation.get_language())
    if language not in settings.LANGUAGE_CODES:
        language = settings.LANGUAGE_CODE
    rendered = []
    with translation.override(language):
        for key, template in MESSAGE_TEMPLATES.items():
            text = render_to_string(template, {})
            subject, _sep, body = text.strip().partition("\n")
            rendered.append({"key": key, "subject": subject.strip(), "body": body.strip()})
    return render(
        request,
        "contacts/templates.html",
        {
            "messages_rendered": rendered,
            "language": language,
            "rtl": language == "ar",
        },
    )
