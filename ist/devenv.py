"""The developer's environment file, var/dev.env: DEBUG=true and a random SECRET_KEY of this checkout.

`make install` writes it once (`python -m ist.devenv`); `manage.py` reads it, so that
`.venv/bin/python manage.py <anything>` works without a DEBUG=true prefix. Only manage.py reads it:
gunicorn (ist/wsgi.py) and Celery never do, the Docker image leaves var/ out, and a variable set in
the real environment always wins. Production therefore still refuses to start without a real
SECRET_KEY (ist/settings.py). See docs/decisions/0020-test-suite.md.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PATH = Path(os.environ.get("IST_VAR_DIR", BASE_DIR / "var")) / "dev.env"


def parse(text: str) -> dict[str, str]:
    """KEY=VALUE lines; blank lines and # comments are skipped; no quoting, no expansion."""
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        values[key.strip()] = value.strip()
    return values


def load(path: Path = PATH) -> None:
    """Put the file's variables into os.environ where the environment does not set them already."""
    if path.is_file():
        for key, value in parse(path.read_text(encoding="utf-8")).items():
            os.environ.setdefault(key, value)


def create(path: Path = PATH) -> bool:
    """Write the file if it is missing (a key of its own, readable by the owner only). True if written."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (
        "# Written by `make install` for development on this machine only (git-ignored, never in the image).\n"
        "# manage.py reads it; the real environment wins. Delete it to get a new key.\n"
        "DEBUG=true\n"
        f"SECRET_KEY=dev-{secrets.token_urlsafe(48)}\n"
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)
    return True


if __name__ == "__main__":
    if create():
        sys.stdout.write(f"Wrote {PATH.relative_to(BASE_DIR) if PATH.is_relative_to(BASE_DIR) else PATH}\n")
