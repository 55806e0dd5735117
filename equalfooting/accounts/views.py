from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy, translate_url
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from equalfooting import permissions
from equalfooting.core.client import client_address
from equalfooting.core.errors import InvalidInput, TwoFactorRequired
from equalfooting.core.forms import attach_errors
from equalfooting.registry.models import State
from equalfooting.registry.selectors import state_from_iso3

from . import selectors, services
from .forms import (
    DecisionForm,
    FocalPointNominationForm,
    LanguageForm,
    OtpTokenForm,
    OtpVerifyForm,
    TokenForm,
    TwoFactorResetForm,
)
from .limits import password_reset_permit
from .models import ApiToken, Role, User


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


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset view, limited per address and per account (`accounts.limits`)."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        address = client_address(self.request)
        if not password_reset_permit(address=address, email=form.cleaned_data["email"]):
            return render(self.request, "accounts/password_reset_limited.html", status=429)
        return super().form_valid(form)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert user.is_authenticated  # login_required
    roles = selectors.roles_of_user(user=user)
    tokens = [
        (token, ApiToken.Standing(standing).label)
        for token, standing in selectors.api_tokens_listed(user=user)
    ]
    two_factor_verified = permissions.is_two_factor_verified(user)
    return render(
        request,
        "accounts/home.html",
        {
            "roles": roles,
            "tokens": tokens,
            "needs_two_factor": _needs_two_factor(request.user),
            "two_factor_verified": two_factor_verified,
            "recovery_codes_left": (
                selectors.recovery_codes_left(user=user) if two_factor_verified else None
            ),
            "token_form": TokenForm(longest=services.token_lifetime_days(user)),
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
            replaced = selectors.recovery_codes_left(user=request.user) > 0
            codes = services.recovery_codes_create(actor=request.user)
            return _recovery_codes_page(request, codes, replaced=replaced)
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
    """Pass the second factor with a code from the authenticator or one recovery code."""
    form = OtpVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.two_factor_check(user=request.user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                _recovery_code_used(request)
            return redirect(_safe_next(request, "accounts:home"))
        form.add_error("token", _("That code is not valid."))
    if not any(devices_for_user(request.user, confirmed=True)):
        return redirect("accounts:otp_setup")
    return render(
        request, "accounts/otp_verify.html", {"form": form, "next": request.GET.get("next", "")}
    )


def _recovery_codes_page(request: HttpRequest, codes: list[str], *, replaced: bool) -> HttpResponse:
    """The one page that ever shows these codes; never kept by a cache."""
    response = render(
        request,
        "accounts/recovery_codes.html",
        {
            "codes": codes,
            "replaced": replaced,
            "next": _safe_next(request, reverse("accounts:home")),
        },
    )
    add_never_cache_headers(response)
    return response


def _recovery_code_used(request: HttpRequest) -> None:
    left = selectors.recovery_codes_left(user=request.user)
    if left:
        messages.warning(
            request,
            _("You signed in with a recovery code; it cannot be used again. Codes left: %(left)s.")
            % {"left": left},
        )
    else:
        messages.warning(
            request,
            _("You used your last recovery code. Generate a new set from My account."),
        )


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    """Replace the person's recovery codes, after a confirmation page; needs 2FA passed."""
    if not permissions.is_two_factor_verified(request.user):
        raise TwoFactorRequired(_("This action needs two-factor authentication."))
    if request.method == "POST":
        codes = services.recovery_codes_create(actor=request.user)
        return _recovery_codes_page(request, codes, replaced=True)
    return render(
        request,
        "accounts/recovery_codes_new.html",
        {"codes_left": selectors.recovery_codes_left(user=request.user)},
    )


@require_http_methods(["GET", "POST"])
@permissions.guard("two_factor.reset", load=selectors.user_from_id)
def two_factor_reset(request: HttpRequest, pk: int, obj: User) -> HttpResponse:
    """Confirm, with a reason, the reset of another person's second factor."""
    form = TwoFactorResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.two_factor_reset(
                actor=request.user, user=obj, reason=form.cleaned_data["reason"]
            )
        except InvalidInput as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "The second factor was reset. The person sets up an authenticator again "
                    "at their next sign-in."
                ),
            )
            return redirect("accounts:nominations")
    return render(
        request,
        "accounts/two_factor_reset.html",
        {"person": obj, "form": form},
        status=422 if form.errors else 200,
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
    holders = selectors.roles_with_status(status=Role.Status.VERIFIED)
    # Whose second factor this officer may reset: anyone else who has one.
    people = {role.user_id for role in holders} - {request.user.pk}
    resettable = selectors.users_with_second_factor(user_ids=people)
    return render(
        request,
        "accounts/nominations.html",
        {
            "pending": selectors.roles_with_status(status=Role.Status.NOMINATED),
            "holders": holders,
            "resettable": resettable,
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
    form = TokenForm(request.POST, longest=services.token_lifetime_days(request.user))
    if form.is_valid():
        try:
            token, key = services.api_token_create(actor=request.user, **form.cleaned_data)
        except InvalidInput as exc:
            attach_errors(form, exc)
        else:
            return render(request, "accounts/token_created.html", {"key": key, "token": token})
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else field
        messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
    return redirect("accounts:home")


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.api_token_active(user=request.user, pk=pk)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:home")


@login_required
@require_http_methods(["GET", "POST"])
def language(request: HttpRequest) -> HttpResponse:
    """The language of the person's e-mails and notifications."""
    current = getattr(request.user, "language", "")
    form = LanguageForm(request.POST or None, initial={"language": current})
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["language"]
        try:
            services.user_language_set(actor=request.user, language=chosen)
        except InvalidInput as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Your language was saved."))
            return redirect(translate_url(reverse("accounts:language"), chosen))
    return render(request, "accounts/language.html", {"form": form})
