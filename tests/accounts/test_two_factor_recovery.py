"""Recovery codes for the second factor, and its reset by the Secretariat."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from equalfooting.accounts.models import ApiToken, User
from equalfooting.accounts.services import (
    api_token_create,
    recovery_codes_create,
    two_factor_reset,
)
from equalfooting.audit.models import AuditEntry
from equalfooting.core.errors import InvalidInput, NotAllowed, TwoFactorRequired
from equalfooting.notifications.models import Notification
from tests import factories
from tests.factories import PASSWORD, current_code, login_with_2fa, totp_device

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}\b")
NOMINATIONS = "/en/account/nominations/"


def _sign_in(client: Client, holder: User) -> str:
    """Sign in with the password only; where the site sends the person next."""
    credentials = {"username": holder.username, "password": PASSWORD}
    response = client.post("/en/account/login/", credentials)
    assert response.status_code == 302
    return str(response["Location"])


def _codes_for(holder: User) -> list[str]:
    """A person with an authenticator, who has just generated a set of recovery codes."""
    totp_device(holder)
    return recovery_codes_create(actor=factories.passed_two_factor(holder))


def _reset_url(person: User) -> str:
    return f"/en/account/people/{person.pk}/2fa/reset/"


def _has_second_factor(person: User) -> bool:
    return (
        TOTPDevice.objects.filter(user=person).exists()
        or StaticDevice.objects.filter(user=person).exists()
    )


def test_enrolment_shows_ten_codes_once_and_stores_only_digests(client: Client) -> None:
    officer = factories.secretariat("new-officer")
    assert _sign_in(client, officer).startswith("/en/account/2fa/setup/")
    assert client.get("/en/account/2fa/setup/").status_code == 200
    device = TOTPDevice.objects.get(user=officer, confirmed=False)

    response = client.post(
        "/en/account/2fa/setup/", {"token": current_code(device), "next": NOMINATIONS}
    )

    assert response.status_code == 200
    assert "accounts/recovery_codes.html" in [t.name for t in response.templates]
    codes = response.context["codes"]
    assert len(codes) == 10 == len(set(codes))
    assert all(CODE.fullmatch(code) for code in codes)
    page = response.content.decode()
    assert all(code in page for code in codes)
    assert "no-store" in response["Cache-Control"]
    assert f'href="{NOMINATIONS}"' in page  # the way on to where the person was going
    # Only digests are stored, never a code.
    stored = set(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & {code.replace("-", "") for code in codes} and not stored & set(codes)
    # Audited, without the codes.
    payload = AuditEntry.objects.get(action="accounts.two_factor.recovery_codes_create").payload
    assert payload == {"user": officer.pk, "codes": 10, "voided": 0}
    assert not any(code.replace("-", "") in str(payload).replace("-", "") for code in codes)
    # Never shown again: not on the account page, nor on the page that makes a new set.
    for url in ("/en/account/", "/en/account/2fa/recovery-codes/", "/en/account/2fa/setup/"):
        later = client.get(url).content.decode()
        assert not CODE.search(later), url
    assert "Unused recovery codes: 10." in client.get("/en/account/").content.decode()


def test_a_recovery_code_signs_in_once_and_only_once() -> None:
    reviewer = factories.reviewer("rev")
    codes = _codes_for(reviewer)

    first = Client()
    assert _sign_in(first, reviewer).startswith("/en/account/2fa/verify/")
    # Typed in capitals, with spaces for hyphens: still the code.
    typed = codes[3].upper().replace("-", " ")
    response = first.post("/en/account/2fa/verify/", {"token": typed}, follow=True)
    assert response.redirect_chain[-1][0] == "/en/account/"
    assert response.context["two_factor_verified"] is True
    assert "Codes left: 9." in response.content.decode()
    assert StaticToken.objects.filter(device__user=reviewer).count() == 9
    used = AuditEntry.objects.get(action="accounts.two_factor.recovery_code_use")
    assert used.payload == {"user": reviewer.pk, "codes_left": 9}

    second = Client()
    _sign_in(second, reviewer)
    response = second.post("/en/account/2fa/verify/", {"token": codes[3]})
    assert response.status_code == 200
    assert "That code is not valid." in response.content.decode()
    assert second.get("/en/account/").context["two_factor_verified"] is False
    assert StaticToken.objects.filter(device__user=reviewer).count() == 9


def test_a_wrong_recovery_code_is_refused_and_spends_nothing(client: Client) -> None:
    reviewer = factories.reviewer("rev")
    _codes_for(reviewer)
    _sign_in(client, reviewer)
    response = client.post("/en/account/2fa/verify/", {"token": "aaaa-bbbb-cccc-dddd"})
    assert "That code is not valid." in response.content.decode()
    assert StaticToken.objects.filter(device__user=reviewer).count() == 10


def test_a_totp_code_still_works_beside_the_recovery_codes(client: Client) -> None:
    officer = factories.secretariat("officer-a")
    _codes_for(officer)
    login_with_2fa(client, officer)  # a TOTP code from the authenticator
    assert client.get(NOMINATIONS).status_code == 200
    assert StaticToken.objects.filter(device__user=officer).count() == 10


def test_a_new_set_voids_the_old_and_needs_two_factor(client: Client) -> None:
    officer = factories.secretariat("officer-a")
    old = _codes_for(officer)

    _sign_in(client, officer)
    response = client.get("/en/account/2fa/recovery-codes/")
    assert response.status_code == 302  # the password alone is not enough
    assert response["Location"].startswith("/en/account/2fa/verify/")
    with pytest.raises(TwoFactorRequired):
        recovery_codes_create(actor=User.objects.get(pk=officer.pk))

    login_with_2fa(client, officer)
    confirm = client.get("/en/account/2fa/recovery-codes/")
    assert confirm.status_code == 200 and not CODE.search(confirm.content.decode())
    assert StaticToken.objects.filter(device__user=officer).count() == 10  # nothing yet
    response = client.post("/en/account/2fa/recovery-codes/")
    new = response.context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert "Your earlier recovery codes no longer work." in response.content.decode()
    assert StaticToken.objects.filter(device__user=officer).count() == 10
    created = AuditEntry.objects.filter(action="accounts.two_factor.recovery_codes_create")
    assert created.latest("seq").payload == {"user": officer.pk, "codes": 10, "voided": 10}

    other = Client()
    _sign_in(other, officer)
    refused = other.post("/en/account/2fa/verify/", {"token": old[0]})
    assert "That code is not valid." in refused.content.decode()
    # django-otp throttles after a failure; let the back-off pass, as a person would.
    StaticDevice.objects.filter(user=officer).update(
        throttling_failure_timestamp=None, throttling_failure_count=0
    )
    assert other.post("/en/account/2fa/verify/", {"token": new[0]}).status_code == 302
    assert other.get(NOMINATIONS).status_code == 200


def test_a_session_that_used_a_recovery_code_keeps_its_two_factor_on_a_new_set(
    client: Client,
) -> None:
    officer = factories.secretariat("officer-a")
    codes = _codes_for(officer)
    _sign_in(client, officer)
    client.post("/en/account/2fa/verify/", {"token": codes[0]})
    client.post("/en/account/2fa/recovery-codes/")
    assert client.get(NOMINATIONS).status_code == 200


def test_the_secretariat_resets_a_second_factor_which_forces_enrolment_and_is_audited() -> None:
    officer = factories.secretariat("officer-a")
    reviewer = factories.reviewer("rev")
    _codes_for(reviewer)
    reviewer_session = Client()
    login_with_2fa(reviewer_session, reviewer)
    assert reviewer_session.get("/en/account/").context["two_factor_verified"] is True
    # A token made under the second factor, and one made without it.
    privileged = reviewer_session.post(
        "/en/account/tokens/new/", {"name": "with 2FA", "scope": "read", "days": 30}
    )
    assert privileged.status_code == 200
    assert ApiToken.objects.get(name="with 2FA").two_factor
    plain, _secret = api_token_create(actor=reviewer, name="plain")
    ApiToken.objects.filter(pk=plain.pk).update(two_factor=False)

    client = Client()
    login_with_2fa(client, officer)
    roles_page = client.get(NOMINATIONS).content.decode()
    assert f'href="{_reset_url(reviewer)}"' in roles_page
    assert f'href="{_reset_url(officer)}"' not in roles_page  # not one's own
    confirm = client.get(_reset_url(reviewer))
    assert confirm.status_code == 200
    assert _has_second_factor(reviewer)  # the confirmation page changes nothing

    response = client.post(_reset_url(reviewer), {"reason": "Telephone lost, confirmed by call."})
    assert response.status_code == 302 and response["Location"] == NOMINATIONS
    assert not _has_second_factor(reviewer)
    entry = AuditEntry.objects.get(action="accounts.two_factor.reset")
    assert entry.actor == f"user:{officer.pk}" and entry.object_id == str(reviewer.pk)
    assert entry.payload == {
        "user": reviewer.pk,
        "reason": "Telephone lost, confirmed by call.",
        "authenticators": 1,
        "codes": 10,
        "tokens_revoked": 1,
    }
    # The token made under the lost factor is revoked; the other is not.
    assert set(
        ApiToken.objects.filter(user=reviewer, revoked_at__isnull=False).values_list(
            "name", flat=True
        )
    ) == {"with 2FA"}
    # The reviewer is told, whatever their preferences: a security notice.
    assert Notification.objects.filter(
        recipient=reviewer, kind=Notification.Kind.TWO_FACTOR_RESET
    ).exists()
    # The reviewer's open session has lost its second factor; the next sign-in enrols again.
    assert reviewer_session.get("/en/account/").context["two_factor_verified"] is False
    assert _sign_in(Client(), reviewer).startswith("/en/account/2fa/setup/")


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_focal_point_or_a_reviewer_cannot_reset(method: str) -> None:
    reviewer = factories.reviewer("rev")
    _codes_for(reviewer)
    focal_point = factories.focal_point("KEN")
    other_reviewer = factories.reviewer("rev-2")

    client = Client()
    _sign_in(client, focal_point)
    response = getattr(client, method)(_reset_url(reviewer), {"reason": "Lost"})
    assert response.status_code == 403
    client = Client()
    login_with_2fa(client, other_reviewer)
    response = getattr(client, method)(_reset_url(reviewer), {"reason": "Lost"})
    assert response.status_code == 403
    assert _has_second_factor(reviewer)
    with pytest.raises(NotAllowed):
        two_factor_reset(actor=focal_point, user=reviewer, reason="Lost")
    assert not AuditEntry.objects.filter(action="accounts.two_factor.reset").exists()


def test_an_officer_without_two_factor_is_sent_to_pass_it_first(client: Client) -> None:
    officer = factories.secretariat("officer-a")
    totp_device(officer)
    reviewer = factories.reviewer("rev")
    _codes_for(reviewer)
    _sign_in(client, officer)
    response = client.post(_reset_url(reviewer), {"reason": "Lost"})
    assert response.status_code == 302
    assert response["Location"].startswith("/en/account/2fa/verify/")
    assert _has_second_factor(reviewer)
    with pytest.raises(TwoFactorRequired):
        two_factor_reset(actor=User.objects.get(pk=officer.pk), user=reviewer, reason="Lost")


def test_nobody_can_reset_their_own_second_factor(client: Client) -> None:
    officer = factories.secretariat("officer-a")
    _codes_for(officer)
    login_with_2fa(client, officer)
    assert client.get(_reset_url(officer)).status_code == 403
    assert client.post(_reset_url(officer), {"reason": "Mine"}).status_code == 403
    with pytest.raises(NotAllowed):
        two_factor_reset(actor=factories.passed_two_factor(officer), user=officer, reason="Mine")
    assert _has_second_factor(officer)
    assert not AuditEntry.objects.filter(action="accounts.two_factor.reset").exists()


def test_a_reset_without_a_reason_is_refused_and_changes_nothing(client: Client) -> None:
    officer = factories.secretariat("officer-a")
    reviewer = factories.reviewer("rev")
    _codes_for(reviewer)
    login_with_2fa(client, officer)
    response = client.post(_reset_url(reviewer), {"reason": "   "})
    assert response.status_code == 422
    assert "Give the reason for the reset." in response.content.decode()
    with pytest.raises(InvalidInput) as refused:
        two_factor_reset(actor=factories.passed_two_factor(officer), user=reviewer, reason=" ")
    assert refused.value.message_dict == {"reason": ["Give the reason for the reset."]}
    assert _has_second_factor(reviewer)
    assert StaticToken.objects.filter(device__user=reviewer).count() == 10
    assert not AuditEntry.objects.filter(action="accounts.two_factor.reset").exists()


def test_a_reset_of_an_unknown_person_is_not_found(client: Client) -> None:
    officer = factories.secretariat("officer-a")
    login_with_2fa(client, officer)
    assert client.get("/en/account/people/999999/2fa/reset/").status_code == 404
