"""The second factor: first-login enrolment, the second step, recovery codes, removal, the
administrator's reset, lockout across both steps. With real TOTP codes computed in the test."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ist.login.models import SecondFactorPolicy, SecondFactorReset
from tests.factories import UserFactory, member
from tests.login.helpers import app_code, app_for, log_in_fully, log_in_with_password

pytestmark = pytest.mark.django_db

WRONG = "Koden stämmer inte."


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    settings.IST_MFA_REQUIRED = True


def failures(user) -> int:
    attempt = AccessAttempt.objects.filter(username=user.email.lower()).first()
    return attempt.failures_since_start if attempt else 0


def test_first_login_leads_through_enrolment_with_an_app_and_recovery_codes(client) -> None:
    user = member("handledare")
    assert log_in_with_password(client, user).url == reverse("home:start")
    # Nothing opens before the second factor: the start page leads to the second step, which
    # sends a user without a factor to enrolment.
    start = client.get(reverse("home:start"))
    assert start.url == f"{reverse('signin:verify')}?next=%2F"
    assert client.get(start.url).url == f"{reverse('signin:enrol')}?next=%2F"
    assert client.get(reverse("reminders:inbox")).status_code == 302

    page = client.get(reverse("signin:enrol_totp"), {"next": "/"})
    content = page.content.decode()
    assert 'src="data:image/svg+xml' in content  # the QR code, no inline script or style needed
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = re.findall(r'id="totp-secret">([A-Z2-7 ]+)<', content)[0].replace(" ", "")
    assert secret in device.config_url  # the secret beside the QR code is the one it encodes

    wrong = client.post(reverse("signin:enrol_totp"), {"code": "000000", "next": "/"})
    assert WRONG in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp makes a wrong code wait a second; no need to wait here
    done = client.post(reverse("signin:enrol_totp"), {"code": app_code(device), "next": "/"})
    assert done.url == f"{reverse('signin:recovery_codes')}?next=%2F"
    device.refresh_from_db()
    assert device.confirmed

    codes_page = client.get(done.url).content.decode()
    codes = re.findall(r"<li>([a-z0-9]{8})</li>", codes_page)
    assert len(codes) == 10
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert client.get(reverse("home:start")).status_code == 200  # verified: everything opens


def test_later_logins_ask_for_the_code_and_a_wrong_one_counts_as_a_failed_login(client) -> None:
    user = member("koordinator")
    device = app_for(user)
    log_in_with_password(client, user)
    assert client.get(reverse("home:start")).url.startswith(reverse("signin:verify"))

    page = client.get(reverse("signin:verify"))
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()
    wrong = client.post(reverse("signin:verify"), {"code": "123456", "next": "/deltagare/"})
    assert wrong.status_code == 200
    assert WRONG in wrong.content.decode()
    assert failures(user) == 1

    device.refresh_from_db()
    device.throttle_reset()
    right = client.post(reverse("signin:verify"), {"code": app_code(device), "next": "/deltagare/"})
    assert right.url == "/deltagare/"
    assert failures(user) == 0  # the completed login forgets the failures
    assert client.get(reverse("home:start")).status_code == 200


def test_a_used_app_code_cannot_be_used_again(client) -> None:
    user = member("handledare")
    device = app_for(user)
    used = log_in_fully(client, user, device)
    client.post(reverse("logout"))
    log_in_with_password(client, user)
    again = client.post(reverse("signin:verify"), {"code": used})
    assert again.status_code == 200
    assert WRONG in again.content.decode()


def test_a_recovery_code_works_once(client) -> None:
    user = member("samverkansteam")
    app_for(user)
    static = StaticToken.objects.create(
        device=StaticDevice.objects.create(user=user, name="Reservkoder", confirmed=True), token="abcd2345"
    )
    log_in_with_password(client, user)
    first = client.post(reverse("signin:verify"), {"code": " ABCD 2345 "}, follow=True)
    assert first.redirect_chain[-1][0] == "/"
    assert "Du loggade in med en reservkod. Du har 0 kvar" in first.content.decode()
    assert not StaticToken.objects.filter(pk=static.pk).exists()

    client.post(reverse("logout"))
    log_in_with_password(client, user)
    second = client.post(reverse("signin:verify"), {"code": "abcd2345"})
    assert second.status_code == 200
    assert WRONG in second.content.decode()


def test_new_recovery_codes_replace_the_old_ones(client) -> None:
    user = member("handledare")
    device = app_for(user)
    log_in_fully(client, user, device)
    first = re.findall(r"<li>([a-z0-9]{8})</li>", client.get(reverse("signin:recovery_codes")).content.decode())
    second = re.findall(r"<li>([a-z0-9]{8})</li>", client.post(reverse("signin:recovery_codes")).content.decode())
    assert len(first) == len(second) == 10
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == set(second)
    # A look at the page later shows how many are left, never the codes again.
    later = client.get(reverse("signin:recovery_codes")).content.decode()
    assert "Du har 10 oanvända reservkoder" in later
    assert second[0] not in later


def test_five_wrong_codes_lock_the_account_and_undo_the_password_step(client, settings) -> None:
    user = member("handledare")
    app_for(user)
    log_in_with_password(client, user)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(reverse("signin:verify"), {"code": "000000"}).status_code == 200
    locked = client.post(reverse("signin:verify"), {"code": "000000"})
    assert locked.status_code == 429
    assert "Kontot är tillfälligt låst" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # ... and the password alone no longer gets anywhere
    assert log_in_with_password(client, user).status_code == 429


def test_logging_in_with_the_password_again_does_not_wipe_the_failed_codes(client, settings) -> None:
    """Otherwise anyone with the password could guess codes forever, four at a time."""
    user = member("handledare")
    app_for(user)
    for _ in range(2):
        log_in_with_password(client, user)
        client.post(reverse("signin:verify"), {"code": "000000"})
        client.post(reverse("signin:verify"), {"code": "111111"})
        client.post(reverse("logout"))
    assert failures(user) == 4
    log_in_with_password(client, user)
    assert client.post(reverse("signin:verify"), {"code": "222222"}).status_code == 429


def test_an_htmx_request_before_the_second_step_opens_the_second_step_as_a_page(client) -> None:
    user = member("handledare")
    app_for(user)
    log_in_with_password(client, user)
    response = client.get(
        reverse("reminders:count"), HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/deltagare/"
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{reverse('signin:verify')}?next=%2Fdeltagare%2F"


def test_the_page_before_the_second_step_shows_no_menu(client) -> None:
    user = member("koordinator")
    app_for(user)
    log_in_with_password(client, user)
    content = client.get(reverse("signin:verify")).content.decode()
    assert 'aria-label="Huvudmeny"' not in content
    assert "Logga ut" in content


def test_a_password_alone_cannot_add_a_factor(client) -> None:
    user = member("handledare")
    app_for(user)
    log_in_with_password(client, user)
    for name in ("signin:enrol", "signin:enrol_totp", "signin:enrol_passkey"):
        response = client.get(reverse(name))
        assert response.url.startswith(reverse("signin:verify")), name
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_a_factor_can_be_removed_but_not_the_last(client) -> None:
    user = member("handledare")
    phone = app_for(user, "Telefon")
    tablet = app_for(user, "Surfplatta")
    log_in_fully(client, user, phone)
    listing = client.get(reverse("signin:factors")).content.decode()
    assert "Telefon" in listing
    assert "Surfplatta" in listing

    removed = client.post(reverse("signin:factor_remove", args=["totp", tablet.pk]), follow=True)
    assert "Faktorn är borttagen." in removed.content.decode()
    twice = client.post(reverse("signin:factor_remove", args=["totp", tablet.pk]), follow=True)
    assert twice.status_code == 200  # a double submit is not an error

    last = client.post(reverse("signin:factor_remove", args=["totp", phone.pk]), follow=True)
    assert "Du kan inte ta bort din enda faktor" in last.content.decode()
    assert TOTPDevice.objects.filter(pk=phone.pk).exists()


def test_another_users_factor_cannot_be_removed(client) -> None:
    user, other = member("handledare"), member("handledare")
    device = app_for(user)
    app_for(user, "Andra")
    theirs = app_for(other)
    log_in_fully(client, user, device)
    client.post(reverse("signin:factor_remove", args=["totp", theirs.pk]))
    assert TOTPDevice.objects.filter(pk=theirs.pk).exists()


def test_administrator_resets_a_users_factors_with_a_reason_and_the_user_enrols_again(client) -> None:
    admin = UserFactory.create(is_administrator=True)
    admin_app = app_for(admin)
    user = member("handledare")
    app_for(user)
    StaticDevice.objects.create(user=user, name="Reservkoder", confirmed=True)
    log_in_fully(client, admin, admin_app)

    url = reverse("signin:reset", args=[user.pk])
    page = client.get(url)
    assert page.status_code == 200
    empty = client.post(url, {"reason": "  "})
    assert "Skriv varför och hur du kontrollerade" in empty.content.decode()
    assert not SecondFactorReset.objects.exists()

    reason = "Tappat telefonen. Legitimation kontrollerad på plats."
    done = client.post(url, {"reason": reason})
    assert done.url == reverse("admin:teams_user_change", args=[user.pk])
    reset = SecondFactorReset.objects.get()
    assert (reset.user, reset.by, reset.reason, reset.devices_removed) == (user, admin, reason, 2)
    assert not TOTPDevice.objects.filter(user=user).exists()
    client.post(url, {"reason": reason})  # sent twice: recorded once
    assert SecondFactorReset.objects.count() == 1

    client.post(reverse("logout"))
    log_in_with_password(client, user)
    assert client.get(reverse("signin:verify")).url.startswith(reverse("signin:enrol"))


def test_a_reset_ends_the_verification_of_the_users_open_session(client) -> None:
    user = member("handledare")
    device = app_for(user)
    log_in_fully(client, user, device)
    from ist.login.factors import factors_reset

    factors_reset(user=user, by=UserFactory.create(is_administrator=True), reason="Stulen telefon")
    assert client.get(reverse("home:start")).url.startswith(reverse("signin:verify"))


def test_only_administrators_reset_factors(client) -> None:
    coordinator = member("koordinator")
    device = app_for(coordinator)
    target = member("handledare")
    app_for(target)
    log_in_fully(client, coordinator, device)
    assert client.get(reverse("signin:reset", args=[target.pk])).status_code == 404
    assert client.post(reverse("signin:reset", args=[target.pk]), {"reason": "x"}).status_code == 404
    assert TOTPDevice.objects.filter(user=target).exists()


def test_steering_group_needs_a_factor_unless_the_administrator_decides_otherwise(client) -> None:
    steering = UserFactory.create(is_steering_group=True)
    log_in_with_password(client, steering)
    assert client.get(reverse("home:start")).url.startswith(reverse("signin:verify"))
    client.post(reverse("logout"))

    SecondFactorPolicy.objects.update_or_create(pk=1, defaults={"steering_group": False})
    log_in_with_password(client, steering)
    assert client.get(reverse("home:start")).status_code == 200
    # a steering-group member who also holds a team role always needs one
    both = member("handledare", is_steering_group=True)
    client.post(reverse("logout"))
    log_in_with_password(client, both)
    assert client.get(reverse("home:start")).url.startswith(reverse("signin:verify"))


def test_check_deploy_refuses_the_second_factor_switched_off(settings) -> None:
    from ist.health.deploy_checks import second_factor_in_production

    assert second_factor_in_production() == []
    settings.IST_MFA_REQUIRED = False
    errors = second_factor_in_production()
    assert [e.id for e in errors] == ["ist.E003"]


def test_the_admin_action_opens_the_reset_page_for_one_user(client) -> None:
    admin = UserFactory.create(is_administrator=True)
    device = app_for(admin)
    target, other = member("handledare"), member("handledare")
    log_in_fully(client, admin, device)
    changelist = reverse("admin:teams_user_changelist")
    one = client.post(changelist, {"action": "reset_second_factor", "_selected_action": [target.pk]})
    assert one.url == reverse("signin:reset", args=[target.pk])
    two = client.post(
        changelist, {"action": "reset_second_factor", "_selected_action": [target.pk, other.pk]}, follow=True
    )
    assert "Välj en användare i taget" in two.content.decode()
    assert not SecondFactorReset.objects.exists()


def test_a_refused_passkey_counts_as_a_failed_login(client) -> None:
    user = member("handledare")
    app_for(user)
    log_in_with_password(client, user)
    url = reverse("otp_webauthn:credential-authentication-complete")
    response = client.post(url, data="{}", content_type="application/json")  # no challenge, no credential
    assert response.status_code >= 400
    assert failures(user) == 1
    assert client.get(reverse("home:start")).url.startswith(reverse("signin:verify"))


def test_the_passkey_page_names_the_librarys_endpoints_and_our_script(client) -> None:
    user = member("handledare")
    log_in_with_password(client, user)
    content = client.get(reverse("signin:enrol_passkey"), {"next": "/"}).content.decode()
    assert f'data-begin-url="{reverse("otp_webauthn:credential-registration-begin")}"' in content
    assert 'src="/static/js/passkey.js"' in content
    assert "<script>" not in content  # no inline script (CSP)
