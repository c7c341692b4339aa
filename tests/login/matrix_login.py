"""URL × role entries for strong login (ist/login), in tests/test_url_matrix.py's format.

The matrix runs with IST_MFA_REQUIRED off (tests/conftest.py), so these are the answers to a user
whose password login is complete; tests/login/test_second_factor.py covers the gate itself."""

from __future__ import annotations

from tests.matrix_roles import signed_in

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
