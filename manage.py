#!/usr/bin/env python
from __future__ import annotations

import os
import sys

HINT = (
    "Run `make install` once: it writes var/dev.env (DEBUG=true and a key of this checkout), which\n"
    "manage.py reads. In production set SECRET_KEY (and the rest of .env.example) in the environment."
)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ist.settings")
    from ist import devenv

    devenv.load()
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 (reading a setting loads ist/settings.py)
    except ImproperlyConfigured as exc:
        # One line that says what to do, not a traceback through Django's settings machinery.
        sys.exit(f"manage.py: {exc}\n{HINT}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
