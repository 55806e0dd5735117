from __future__ import annotations

import base64
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login

from equalfooting import permissions
from equalfooting.core.errors import InvalidInput
from equalfooting.core.forms import attach_errors
from equalfooting.registry.models import State
from equalfooting.registry.selectors import state_from_iso3

from . import selectors, services
from .forms import DecisionForm, FocalPointNominationForm, OtpTokenForm, TokenForm
from .models import Role


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def _needs_two_factor(user: object) -> bool:
    return any(r.kind in permissions.PRIVILEGED for r in permissions.verified_roles(user))


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        # Secretariat and reviewers go straight on to their second factor.
        if _needs_two_factor(self.request.user):
            has_device = any(devices_for_user(self.request.user, confirmed=True))
            step = "accounts:otp_verify" if has_device else "accounts:otp_setup"
            return f"{reverse(step)}?{urlencode({'next': super().get_success_url()})}"
        return super().get_success_url()


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert user.is_authenticated  # login_required
    roles = selectors.roles_of_user(user=user)
    tokens = selectors.api_tokens_active(user=user)
    return render(
        request,
        "accounts/home.html",
        {
            "roles": roles,
            "tokens": tokens,
            "needs_two_factor": _needs_two_factor(request.user),
            "two_factor_verified": permissions.is_two_factor_verified(request.user),
            "token_form": TokenForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP authenticator: show the key as a QR code and as text, confirm one code.

    Someone holding only the password must not be able to add a second device, so a user
    who already has one must first pass it.
    """
    if any(devices_for_user(request.user, confirmed=True)) and not request.user.is_verified():  # type: ignore[union-attr]
        return redirect(
            f"{reverse('accounts:otp_verify')}?{urlencode({'next': request.get_full_path()})}"
        )
    device = services.totp_device_prepare(actor=request.user)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        if services.totp_device_confirm(actor=request.user, device=device, token=token):
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is set up."))
            return redirect(_safe_next(request, "accounts:home"))
        form.add_error(
            "token", _("That code is not valid. Check your device's clock and try again.")
        )
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "qr_svg": qr_svg, "secret": secret, "next": request.GET.get("next", "")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices_for_user(request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(_safe_next(request, "accounts:home"))
        form.add_error("token", _("That code is not valid."))
    if not any(devices_for_user(request.user, confirmed=True)):
        return redirect("accounts:otp_setup")
    return render(
        request, "accounts/otp_verify.html", {"form": form, "next": request.GET.get("next", "")}
    )


@require_http_methods(["GET", "POST"])
@permissions.guard("role.nominate.focal_point", load=state_from_iso3)
def focal_point_nominate(request: HttpRequest, iso3: str, obj: State) -> HttpResponse:
    form = FocalPointNominationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_nominate(
                actor=request.user,
                email=form.cleaned_data["email"],
                kind=Role.Kind.FOCAL_POINT,
                state=obj,
                focal_kind=form.cleaned_data["focal_kind"],
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
            return redirect("registry:state_detail", iso3=obj.iso3)
    return render(request, "accounts/nominate.html", {"state": obj, "form": form})


@permissions.guard("role.list")
def nomination_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/nominations.html",
        {
            "pending": selectors.roles_with_status(status=Role.Status.NOMINATED),
            "holders": selectors.roles_with_status(status=Role.Status.VERIFIED),
            "form": DecisionForm(),
        },
    )


@require_POST
@permissions.guard("role.decide")
def nomination_decide(request: HttpRequest, pk: int) -> HttpResponse:
    role = selectors.role_from_id(pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("accounts:nominations")
    try:
        services.role_decide(
            actor=request.user,
            role=role,
            status=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        )
    except InvalidInput as exc:  # no reason given: say so on the list, where it is typed
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The decision was recorded."))
    return redirect("accounts:nominations")


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name."))
        return redirect("accounts:home")
    _token, key = services.api_token_create(actor=request.user, name=form.cleaned_data["name"])
    return render(request, "accounts/token_created.html", {"key": key})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.api_token_active(user=request.user, pk=pk)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:home")
