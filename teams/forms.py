from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

# An e-mail address is at most 254 characters (RFC 5321); django-axes stores the login name in
# 255. A longer name is refused beside the field before anyone tries to authenticate with it.
LOGIN_NAME_MAX = 254


class LoginForm(AuthenticationForm):
    # Django's text says both fields are case-sensitive; our e-mail login is not.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Fel e-postadress eller lösenord. Kontrollera stavningen och försök igen.",
        "inactive": "Kontot är avaktiverat. Kontakta förbundets administratör.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.widget.attrs.update({"autocomplete": "username", "type": "email", "maxlength": LOGIN_NAME_MAX})
        # Django sets max_length on this field after creating it, so it only reaches the widget.
        username.validators.append(
            MaxLengthValidator(LOGIN_NAME_MAX, message=f"En e-postadress har högst {LOGIN_NAME_MAX} tecken.")
        )
