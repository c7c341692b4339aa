from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    # Django's text says both fields are case-sensitive; our e-mail login is not.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Fel e-postadress eller lösenord. Kontrollera stavningen och försök igen.",
        "inactive": "Kontot är avaktiverat. Kontakta förbundets administratör.",
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "type": "email"})
