"""Comparing two renderings of a page: what differs on every request is taken out first."""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[A-Za-z0-9]{64}")  # a masked CSRF token (form field, htmx header)
_NONCE = re.compile(r'(nonce=")[^"]*')  # the CSP nonce
_NUMBER = re.compile(r"\d+")


def page_content(html: str, *, without_numbers: bool = False) -> str:
    """The page as a reader sees it, without the per-request tokens; with `without_numbers`, every
    run of digits (ids, dates, times, personnummer) becomes 0, to compare two cases of the same kind."""
    html = _NONCE.sub(r"\1", _TOKEN.sub("", html))
    return _NUMBER.sub("0", html) if without_numbers else html
