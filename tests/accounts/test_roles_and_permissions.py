from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from equalfooting import permissions
from equalfooting.accounts import workflow
from equalfooting.accounts.models import ApiToken, Role, User
from equalfooting.accounts.services import api_token_create, role_decide, role_nominate
from equalfooting.audit.models import AuditEntry
from equalfooting.core.errors import NotAllowed, TransitionNotAllowed
from equalfooting.registry.models import State
from tests import factories
from tests.factories import PASSWORD, current_code, login_with_2fa, totp_device

pytestmark = pytest.mark.django_db


def test_a_nomination_gives_no_rights_until_the_secretariat_verifies_it(
    client: Client,
    focal_point_ken: User,
    state_ken: State,
    secretariat: User,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        role = role_nominate(
            actor=focal_point_ken,
            email="new@example.org",
            kind=Role.Kind.FOCAL_POINT,
            state=state_ken,
            focal_kind="technical",
            reference="NV/1",
        )
    nominee = role.user
    assert not permissions.can(nominee, "state.profile.edit", state_ken)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@example.org"]

    factories.passed_two_factor(secretariat)
    role_decide(actor=secretariat, role=role, status="verified")
    nominee = User.objects.get(pk=nominee.pk)
    assert permissions.can(nominee, "state.profile.edit", state_ken)
    assert AuditEntry.objects.filter(
        action="accounts.role.verified", object_id=str(role.pk)
    ).exists()


def test_a_focal_point_cannot_nominate_for_another_state(
    focal_point_ken: User, state_fra: State
) -> None:
    with pytest.raises(NotAllowed):
        role_nominate(
            actor=focal_point_ken,
            email="x@example.org",
            kind=Role.Kind.FOCAL_POINT,
            state=state_fra,
            focal_kind="technical",
        )
    assert not User.objects.filter(email="x@example.org").exists()


def test_the_secretariat_needs_two_factor_before_any_privileged_action(secretariat: User) -> None:
    # Nominated by the same officer in another session, one that passed 2FA.
    role = factories.nomination(
        by=factories.passed_two_factor(User.objects.get(pk=secretariat.pk)),
        email="someone@example.org",
        kind=Role.Kind.REVIEWER,
    )
    with pytest.raises(permissions.TwoFactorRequired):
        role_decide(actor=secretariat, role=role, status="verified")
    assert Role.objects.get(pk=role.pk).status == "nominated"


def test_privileged_pages_send_an_unverified_secretariat_to_enrol(
    client: Client, secretariat: User
) -> None:
    client.post("/en/account/login/", {"username": "secretariat", "password": PASSWORD})
    response = client.get("/en/account/nominations/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/account/2fa/setup/")


def test_login_sends_secretariat_to_enrol_and_enrolment_grants_access(
    client: Client, secretariat: User
) -> None:
    response = client.post("/en/account/login/", {"username": "secretariat", "password": PASSWORD})
    assert response["Location"].startswith("/en/account/2fa/setup/")
    page = client.get("/en/account/2fa/setup/")
    assert page.status_code == 200 and b"<svg" in page.content
    device = TOTPDevice.objects.get(user=secretariat, confirmed=False)
    assert client.post("/en/account/2fa/setup/", {"token": "000000"}).status_code == 200
    # django-otp throttles after a failure; let the back-off pass, as a person would.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=None, throttling_failure_count=0
    )
    response = client.post("/en/account/2fa/setup/", {"token": current_code(device)})
    # The recovery codes, on a page of their own (tests/accounts/test_two_factor_recovery.py).
    assert response.status_code == 200 and len(response.context["codes"]) == 10
    assert client.get("/en/account/nominations/").status_code == 200


def test_a_password_alone_cannot_enrol_a_second_device(client: Client, secretariat: User) -> None:
    totp_device(secretariat)
    client.post("/en/account/login/", {"username": "secretariat", "password": PASSWORD})
    response = client.get("/en/account/2fa/setup/")
    assert response["Location"].startswith("/en/account/2fa/verify/")


def test_verified_secretariat_decides_through_the_page(
    client: Client, secretariat: User, state_ken: State
) -> None:
    role = factories.nomination(
        by=factories.focal_point(state_ken, "nominator-ken"),
        email="nominee@example.org",
        kind=Role.Kind.FOCAL_POINT,
        state=state_ken,
    )
    login_with_2fa(client, secretariat)
    response = client.post(
        f"/en/account/nominations/{role.pk}/decide/", {"decision": "rejected", "reason": ""}
    )
    assert response.status_code == 302
    assert Role.objects.get(pk=role.pk).status == "nominated"  # a rejection needs a reason
    client.post(
        f"/en/account/nominations/{role.pk}/decide/",
        {"decision": "rejected", "reason": "not confirmed"},
    )
    assert Role.objects.get(pk=role.pk).status == "rejected"


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("nominated", "verified", True),
        ("nominated", "rejected", True),
        ("verified", "revoked", True),
        ("verified", "nominated", False),
        ("rejected", "verified", False),
        ("revoked", "verified", False),
    ],
)
def test_the_role_transition_table(current: str, target: str, allowed: bool) -> None:
    if allowed:
        workflow.check_transition(current, target, reason="because")
    else:
        with pytest.raises(TransitionNotAllowed):
            workflow.check_transition(current, target, reason="because")


def test_passwords_are_hashed_with_argon2() -> None:
    user = factories.user("hashcheck")
    assert user.password.startswith("argon2$")


def test_repeated_failed_logins_are_throttled(client: Client) -> None:
    factories.user("target")
    for _ in range(5):
        client.post("/en/account/login/", {"username": "target", "password": "wrong-password"})
    response = client.post("/en/account/login/", {"username": "target", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_an_email(client: Client) -> None:
    factories.user("forgetful")
    response = client.post("/en/account/password-reset/", {"email": "forgetful@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/account/password-reset/" in mail.outbox[0].body


def test_a_revoked_role_grants_nothing(
    focal_point_ken: User, state_ken: State, officer: User
) -> None:
    role_decide(
        actor=officer, role=focal_point_ken.roles.get(), status=Role.Status.REVOKED, reason="left"
    )
    user = User.objects.get(pk=focal_point_ken.pk)
    assert not permissions.can(user, "state.profile.edit", state_ken)


def test_a_focal_point_edits_its_own_profile(client: Client, focal_point_ken: User) -> None:
    client.force_login(focal_point_ken)
    response = client.post(
        "/en/states/KEN/profile/edit/",
        {"summary": "Our summary", "national_cert": "KE-CIRT", "strategy": "", "website": ""},
    )
    assert response.status_code == 302
    assert State.objects.get(iso3="KEN").profile.summary == "Our summary"
    assert AuditEntry.objects.filter(action="registry.profile.update", object_id="KEN").exists()


def test_a_bad_profile_field_is_named_and_nothing_is_written(
    client: Client, focal_point_ken: User
) -> None:
    client.force_login(focal_point_ken)
    before = AuditEntry.objects.count()
    response = client.post("/en/states/KEN/profile/edit/", {"summary": "x", "website": "not a url"})
    assert response.status_code == 200
    assert "website" in response.context["form"].errors
    assert AuditEntry.objects.count() == before


def test_api_token_writes_with_the_same_rules(client: Client, focal_point_ken: User) -> None:
    _token, key = api_token_create(actor=focal_point_ken, name="ci", scope=ApiToken.Scope.WRITE)
    headers = {"Authorization": f"Bearer {key}"}
    ok = client.put(
        "/api/v1/states/KEN/profile",
        {"summary": "via API"},
        content_type="application/json",
        headers=headers,
    )
    assert ok.status_code == 200 and ok.json()["summary"] == "via API"
    refused = client.put(
        "/api/v1/states/FRA/profile",
        {"summary": "no"},
        content_type="application/json",
        headers=headers,
    )
    assert refused.status_code == 403
    anonymous = client.put(
        "/api/v1/states/KEN/profile", {"summary": "no"}, content_type="application/json"
    )
    assert anonymous.status_code == 401
    bad = client.put(
        "/api/v1/states/KEN/profile",
        {"website": "not a url"},
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 422 and "website" in bad.json()["detail"]


def test_unverified_roles_do_not_count(state_ken: State) -> None:
    user = factories.user("pending")
    factories.nomination(
        by=factories.focal_point(state_ken, "nominator-ken"),
        email=user.email,
        kind=Role.Kind.FOCAL_POINT,
        state=state_ken,
    )
    assert not permissions.can(user, "state.profile.edit", state_ken)
    factories.role(user, Role.Kind.FOCAL_POINT, state=state_ken)
    permissions.forget_roles(user)
    assert permissions.can(user, "state.profile.edit", state_ken)
