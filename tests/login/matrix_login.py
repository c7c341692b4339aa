"""URL × role entries for strong login (ist/login), in tests/test_url_matrix.py's format.

The matrix runs with IST_MFA_REQUIRED off (tests/conftest.py), so these are the answers to a user
whose password login is complete; tests/login/test_second_factor.py covers the gate itself."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from ist.login.models import SecondFactorReset
from ist.login.stash import STASH
from ist.login.views import ENROLLING
from tests.login.helpers import app_code
from tests.matrix_roles import ROLES, Post, Unchanged, World, signed_in

ENTRIES = {
    # With no factor the second step sends the user to enrolment.
    "signin:verify": ({}, "", signed_in(302)),
    "signin:enrol": ({}, "", signed_in(200)),
    "signin:enrol_totp": ({}, "", signed_in(200)),
    "signin:enrol_passkey": ({}, "", signed_in(200)),
    "signin:recovery_codes": ({}, "", signed_in(200)),
    "signin:factors": ({}, "", signed_in(200)),
    "signin:factor_remove": ({"kind": "totp", "pk": 1}, "", signed_in(405)),  # POST only
    "signin:reset": (lambda w: {"pk": w["handledare"].pk}, "", signed_in(404, administrator=200)),
    "signin:keepalive": ({}, "", signed_in(204)),
    "signin:restore": ({}, "", signed_in(302)),  # nothing kept: to the start page
    # django-otp-webauthn's JSON endpoints answer POST only.
    "otp_webauthn:credential-registration-begin": ({}, "", signed_in(405)),
    "otp_webauthn:credential-registration-complete": ({}, "", signed_in(405)),
    "otp_webauthn:credential-authentication-begin": ({}, "", signed_in(405)),
    "otp_webauthn:credential-authentication-complete": ({}, "", signed_in(405)),
}


KEY = "3132333435363738393031323334353637383930"  # one authenticator-app secret for every role's device


def _apps(world: World, *, confirmed: bool) -> dict[int, TOTPDevice]:
    """An authenticator app (the same secret) for every signed-in role, by user pk."""
    return {
        world[role].pk: TOTPDevice.objects.create(user=world[role], name="Telefon", key=KEY, confirmed=confirmed)
        for role in ROLES[1:]
    }


def _into_sessions(values: dict[int, dict[str, Any]]) -> None:
    """Put values into the (database) session of each signed-in user, as an earlier page would have:
    the matrix's client is logged in before `data` is built, so its session row exists."""
    for row in Session.objects.all():
        user_id = row.get_decoded().get("_auth_user_id")
        if user_id and int(user_id) in values:
            session = SessionStore(session_key=row.session_key)
            session.update(values[int(user_id)])
            session.save()


def verify_with_app(world: World) -> dict[str, str]:
    """Every role has an app; the code it shows now."""
    device = next(iter(_apps(world, confirmed=True).values()))
    return {"code": app_code(device)}


def enrolment_begun(world: World) -> dict[str, str]:
    """The QR code was shown (the unconfirmed secret is in the session); the code the app then shows."""
    devices = _apps(world, confirmed=False)
    _into_sessions({pk: {ENROLLING: device.pk} for pk, device in devices.items()})
    return {"code": app_code(next(iter(devices.values())))}


def form_kept(world: World) -> dict[str, str]:
    """A form posted after the session ended is kept in each user's session (ist/login/stash.py)."""
    kept = {"path": "/", "fields": [["note", "Text"]], "at": timezone.now().isoformat()}
    _into_sessions({world[role].pk: {STASH: {**kept, "user": world[role].pk}} for role in ROLES[1:]})
    return {}


def handledare_with_two_apps(world: World) -> dict[str, Any]:
    """The handledare's first of two apps (the only factor is never removed)."""
    first, _ = (TOTPDevice.objects.create(user=world["handledare"], name=n, confirmed=True) for n in ("A", "B"))
    return {"kind": "totp", "pk": first.pk}


def handledare_with_an_app(world: World) -> dict[str, int]:
    TOTPDevice.objects.create(user=world["handledare"], name="Telefon", confirmed=True)
    return {"pk": world["handledare"].pk}


def verified(p: Any) -> bool:
    return bool(p.client.session.get(DEVICE_ID_SESSION_KEY))


POSTS: dict[str, Post] = {
    # The second step with the app's code: anyone signed in with a password (each role has an app here).
    "signin:verify": Post(answers=signed_in(302), data=verify_with_app, changed=verified),
    # Confirming the app being enrolled: anyone with no factor yet (every role in this world).
    "signin:enrol_totp": Post(
        answers=signed_in(302),
        data=enrolment_begun,
        changed=lambda p: (
            p.role != "anonymous" and TOTPDevice.objects.filter(user=p.world[p.role], confirmed=True).exists()
        ),
    ),
    # New recovery codes for oneself (the page shows them): anyone signed in.
    "signin:recovery_codes": Post(
        answers=signed_in(200),
        changed=lambda p: (
            p.role != "anonymous"
            and StaticToken.objects.filter(device__user=p.world[p.role], device__confirmed=True).count() == 10
        ),
    ),
    # Only one's own factor is removed: for anyone else the handledare's app is not theirs, and the
    # view answers as for a factor already removed (back to the list, nothing changed).
    "signin:factor_remove": Post(
        answers=signed_in(Unchanged(302), handledare=302),
        kwargs=handledare_with_two_apps,
        changed=lambda p: not TOTPDevice.objects.filter(pk=p.kwargs["pk"]).exists(),
    ),
    # The administrator resets the handledare's factors (to the user's admin page); anyone else 404.
    "signin:reset": Post(
        answers=signed_in(404, administrator=302),
        kwargs=handledare_with_an_app,
        data={"reason": "Tappat telefonen. Identitet kontrollerad med legitimation på plats."},
        changed=lambda p: (
            SecondFactorReset.objects.filter(user_id=p.kwargs["pk"]).exists()
            and not TOTPDevice.objects.filter(user_id=p.kwargs["pk"]).exists()
        ),
    ),
    # Discarding the form kept from an ended session: anyone signed in (their own session only).
    "signin:restore": Post(
        answers=signed_in(302),
        data=form_kept,
        changed=lambda p: p.role != "anonymous" and STASH not in p.client.session,
    ),
    # django-otp-webauthn's JSON endpoints. A begin call stores its challenge in the session (anyone
    # signed in: nobody here has a factor, so registering needs no verified session first).
    "otp_webauthn:credential-registration-begin": Post(
        answers=signed_in(200),
        changed=lambda p: "otp_webauthn_register_state" in p.client.session,
    ),
    "otp_webauthn:credential-authentication-begin": Post(
        answers=signed_in(200),
        changed=lambda p: "otp_webauthn_authentication_state" in p.client.session,
    ),
    # A complete call without a begun ceremony or a credential: 400 (invalid state), nothing stored.
    "otp_webauthn:credential-registration-complete": Post(
        answers=signed_in(Unchanged(400)),
        changed=lambda p: WebAuthnCredential.objects.exists(),
    ),
    "otp_webauthn:credential-authentication-complete": Post(
        answers=signed_in(Unchanged(400)),
        changed=verified,
    ),
}
