from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from equalfooting import permissions
from equalfooting.accounts.models import Role
from equalfooting.accounts.services import role_nominate
from equalfooting.core import languages
from equalfooting.core.errors import InvalidInput, NotFound, TransitionNotAllowed
from equalfooting.core.forms import attach_errors
from equalfooting.core.paging import keyset_page
from equalfooting.needs.labels import theme_label
from equalfooting.needs.models import AssistanceRequest

from . import selectors, services, workflow
from .forms import OfferForm, ProviderForm, RepresentativeForm
from .models import Offer, Provider
from .selectors import offer_from_id, provider_from_id


def _offer_labels(offer: Offer) -> dict[str, Any]:
    return {
        "themes": [theme_label(code) for code in offer.themes],
        "languages": [languages.name(c) for c in offer.languages],
        "modalities": [AssistanceRequest.Modality(m).label for m in offer.modalities],
        "kind": AssistanceRequest.Kind(offer.kind).label,
        "unit": AssistanceRequest.Unit(offer.unit).label,
    }


@require_safe
def offer_list(request: HttpRequest) -> HttpResponse:
    page = keyset_page(selectors.offers_public(), request)
    return render(
        request,
        "offers/offer_list.html",
        {"offers": [(o, _offer_labels(o)) for o in page], "page": page},
    )


@require_safe
def offer_detail(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = offer_from_id(offer_id=offer_id)
    if not permissions.can(request.user, "offer.view", offer):
        raise NotFound(_("No such offer."))
    can_edit = permissions.can(request.user, "offer.edit", offer)
    # Matches of published rounds only: a proposal under review is not yet public.
    matches = list(selectors.offer_matches_published(offer=offer))
    return render(
        request,
        "offers/offer_detail.html",
        {
            "offer": offer,
            "labels": _offer_labels(offer),
            "can_edit": can_edit and offer.status in workflow.EDITABLE,
            "steps": _steps(offer) if can_edit else [],
            "matches": matches,
            # The provider's representatives answer a proposed match here as on the round page.
            "answerable": {
                m.pk
                for m in matches
                if m.awaits_provider and permissions.can(request.user, "match.provider_decide", m)
            },
        },
    )


def _steps(offer: Offer) -> list[dict[str, Any]]:
    """The offer's next steps, each named after its action; a final one (closing, withdrawing)
    asks for confirmation on a page of its own."""
    return [
        {"target": t, "label": workflow.ACTIONS[t], "final": t in workflow.FINAL}
        for t in sorted(workflow.TRANSITIONS[offer.status])
    ]


# The guard comes first, so that another provider is refused (403) whatever the method.
@permissions.guard("offer.edit", load=offer_from_id)
@require_safe
def offer_step_confirm(
    request: HttpRequest, offer_id: int, target: str, obj: Offer
) -> HttpResponse:
    """The confirmation page of a step that cannot be undone, with a way back."""
    step = next((s for s in _steps(obj) if s["target"] == target), None)
    if step is None or not step["final"]:
        raise TransitionNotAllowed(_("This step is not open to you on this offer."))
    return render(request, "offers/offer_step_confirm.html", {"offer": obj, "step": step})


@require_safe
def provider_detail(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = provider_from_id(provider_id=provider_id)
    offers = selectors.offers_visible(request.user, provider=provider)
    return render(
        request,
        "offers/provider_detail.html",
        {
            "provider": provider,
            "offers": offers,
            "can_create": permissions.can(request.user, "offer.create", provider),
        },
    )


@require_http_methods(["GET", "POST"])
@permissions.guard("offer.create", load=provider_from_id)
def offer_create(request: HttpRequest, provider_id: int, obj: Provider) -> HttpResponse:
    form = OfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.offer_create(actor=request.user, provider=obj, **form.service_fields())
        except InvalidInput as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request, _("The offer was saved as a draft. Publish it when it is ready.")
            )
            return redirect("offers:offer_detail", offer_id=offer.pk)
    return render(
        request,
        "offers/offer_form.html",
        {"provider": obj, "form": form},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@permissions.guard("offer.edit", load=offer_from_id)
def offer_edit(request: HttpRequest, offer_id: int, obj: Offer) -> HttpResponse:
    form = OfferForm(request.POST or None, initial=OfferForm.initial_from(obj))
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_update(actor=request.user, offer=obj, **form.service_fields())
        except InvalidInput as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The offer was saved."))
            return redirect("offers:offer_detail", offer_id=obj.pk)
    return render(
        request,
        "offers/offer_form.html",
        {"provider": obj.provider, "form": form, "offer": obj},
        status=422 if form.errors else 200,
    )


@require_POST
@permissions.guard("offer.edit", load=offer_from_id)
def offer_transition(request: HttpRequest, offer_id: int, obj: Offer) -> HttpResponse:
    try:
        services.offer_transition(
            actor=request.user, offer=obj, target=request.POST.get("target", "")
        )
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
        return render(
            request,
            "offers/offer_detail.html",
            {"offer": obj, "labels": _offer_labels(obj), "steps": []},
            status=409,
        )
    messages.success(request, _("The offer's status was updated."))
    return redirect("offers:offer_detail", offer_id=obj.pk)


@require_safe
def provider_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "offers/provider_list.html",
        {
            "providers": Provider.objects.all(),
            "can_manage": permissions.can(request.user, "role.nominate.other"),
        },
    )


@require_http_methods(["GET", "POST"])
@permissions.guard("role.nominate.other")
def provider_create(request: HttpRequest) -> HttpResponse:
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            provider = services.provider_create(actor=request.user, **form.cleaned_data)
        except InvalidInput as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request, _("The provider was registered. Nominate its representatives.")
            )
            return redirect("offers:provider_detail", provider_id=provider.pk)
    return render(
        request, "offers/provider_form.html", {"form": form}, status=422 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@permissions.guard("role.nominate.other", load=provider_from_id)
def representative_nominate(request: HttpRequest, provider_id: int, obj: Provider) -> HttpResponse:
    form = RepresentativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            role_nominate(
                actor=request.user,
                email=form.cleaned_data["email"],
                kind=Role.Kind.PROVIDER,
                provider=obj,
                reference=form.cleaned_data["reference"],
                request=request,
            )
        except InvalidInput as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("The nomination was recorded. It takes effect once the Secretariat verifies it."),
            )
            return redirect("offers:provider_detail", provider_id=obj.pk)
    return render(
        request,
        "offers/provider_form.html",
        {"form": form, "provider": obj},
        status=422 if form.errors else 200,
    )
