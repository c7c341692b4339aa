"""Crawl the site as every demo account, following the links a user can click.

On the full demo data, every page reachable from the start page must answer without a server
error, carry exactly one <h1> and <html lang="sv">, and show no personnummer to an account that
may not see one: administrator and styrgrupp see no personal data at all, and a referrer's list
pages show masked numbers only (19700101-****).
"""

from __future__ import annotations

import re
import traceback
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.conf import settings
from django.http import HttpResponseBase
from django.test import Client
from django.urls import Resolver404, resolve

from teams.models import User

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

# The accounts without access to personal data go last: by then the others' reads fill the audit
# log, which the administrator reviews, so a personnummer leaking through it would show.
ACCOUNTS = [
    "koordinator@ist.example",
    "koordinator2@ist.example",
    "handledare@ist.example",
    "samverkan@ist.example",
    "remittent.fk@ist.example",
    "remittent.kommun@ist.example",
    "admin@ist.example",
    "styrgrupp@ist.example",
]
NO_PERSONAL_DATA = {"admin@ist.example", "styrgrupp@ist.example"}
REFERRERS = {"remittent.fk@ist.example", "remittent.kommun@ist.example"}

MAX_PAGES = 150  # per account, to keep the crawl bounded
MAX_QUERY_VARIANTS = 3  # per path: ?sida=…, ?vecka=… and the like add little after a few
# Logout would end the session, the admin has its own tests, the language switch only redirects,
# and static files are not served by the test client.
# The quarterly/half-year report files are rendered PDFs (tests/reports/test_periodic.py covers them).
SKIP_PREFIXES = ("/konto/logout/", "/admin/", "/sprak/", "/static/", "/rapporter/quarterly/", "/rapporter/halfyear/")
SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:")

# Twelve digits with century, with or without the hyphen (a raw number in a link leaks as well).
FULL_PERSONNUMMER = re.compile(r"(?<!\d)(?:19|20)\d{6}-?\d{4}(?!\d)")
MASKED_PERSONNUMMER = re.compile(r"(?<!\d)(?:19|20)\d{6}-\*{4}")
PROJECT_ROOT = Path(settings.BASE_DIR).resolve()


class PageParser(HTMLParser):
    """Collects what the checks need: links, <h1> count and the <html> element's lang."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.h1_count = 0
        self.html_langs: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href.strip())
        elif tag == "h1":
            self.h1_count += 1
        elif tag == "html":
            self.html_langs.append(dict(attrs).get("lang"))


def internal_url(href: str, base: str) -> str | None:
    """The link as path[?query] if it stays on this site and is a page to visit, else None."""
    if href.lower().startswith(SKIP_SCHEMES):
        return None
    url, _fragment = urldefrag(urljoin(f"http://testserver{base}", href))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    if not parts.path.startswith("/") or parts.path.startswith(SKIP_PREFIXES):
        return None
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def route_of(path: str) -> str:
    try:
        return resolve(path).route
    except Resolver404:
        return path


def error_summary(response: HttpResponseBase) -> str:
    """The exception and the deepest frame in the project's own code (not in a library)."""
    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return f"HTTP {response.status_code}"
    _type, exc, tb = exc_info
    frames = traceback.extract_tb(tb)
    own = [f for f in frames if f.filename.startswith(str(PROJECT_ROOT)) and "/.venv/" not in f.filename]
    frame = (own or frames)[-1]
    where = f"{Path(frame.filename).resolve().relative_to(PROJECT_ROOT)}:{frame.lineno} in {frame.name}"
    message = "".join(traceback.format_exception_only(exc)).strip()
    return f"HTTP {response.status_code}: {message} (at {where})"


def personnummer_problems(email: str, path: str, text: str) -> list[str]:
    if email in NO_PERSONAL_DATA:
        found = sorted(set(FULL_PERSONNUMMER.findall(text)))
        if found:
            return [f"shows personnummer to an account without access to personal data: {', '.join(found)}"]
    elif email in REFERRERS and is_list_page(path):
        found = sorted(set(FULL_PERSONNUMMER.findall(text)))
        if found:
            return [f"list page shows unmasked personnummer: {', '.join(found)}"]
    return []


def is_list_page(path: str) -> bool:
    return path.endswith(("/mina/", "/deltagare/"))


def html_problems(parser: PageParser) -> list[str]:
    problems = []
    if parser.h1_count != 1:
        problems.append(f"has {parser.h1_count} <h1> elements, expected exactly one")
    if parser.html_langs != ["sv"]:
        problems.append(f'<html lang> is {parser.html_langs}, expected ["sv"]')
    return problems


@dataclass
class Crawl:
    visited: list[str] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    masked_on_lists: int = 0  # masked numbers seen on list pages: proves the leak check reads them
    problems: list[str] = field(default_factory=list)


def crawl(email: str) -> Crawl:
    """Visit up to MAX_PAGES URLs breadth-first from "/" as `email`, checking each answer."""
    client = Client(raise_request_exception=False)  # a 500 is recorded with its traceback, not raised
    client.force_login(User.objects.get(email=email))
    result = Crawl()
    # Two queues, each breadth-first: links to a URL pattern not yet queued go first, so the cap
    # is spent on different pages rather than on the hundredth referral's detail page.
    fresh: deque[str] = deque(["/"])
    more: deque[str] = deque()
    seen = {"/"}
    routes_queued = {route_of("/")}
    query_variants: dict[str, int] = {}
    while (fresh or more) and len(result.visited) < MAX_PAGES:
        url = fresh.popleft() if fresh else more.popleft()
        path = urlsplit(url).path
        response = client.get(url)
        result.visited.append(url)
        result.statuses[url] = response.status_code
        found = []
        if response.status_code >= 500:
            found.append(error_summary(response))
        links: list[str] = []
        if response.status_code in (301, 302, 303, 307, 308):
            links = [response["Location"]]
        elif response.get("Content-Type", "").startswith("text/html") and not response.get(
            "Content-Disposition", ""
        ).startswith("attachment"):
            text = response.content.decode(response.charset or "utf-8")
            parser = PageParser()
            parser.feed(text)
            parser.close()
            links = parser.links
            found += html_problems(parser)
            found += personnummer_problems(email, path, text)
            if is_list_page(path):
                result.masked_on_lists += len(MASKED_PERSONNUMMER.findall(text))
        result.problems += [f"{email} GET {url} → {problem}" for problem in found]
        for href in links:
            target = internal_url(href, url)
            if target is None or target in seen:
                continue
            target_path, _, query = target.partition("?")
            if query:
                if query_variants.get(target_path, 0) >= MAX_QUERY_VARIANTS:
                    continue
                query_variants[target_path] = query_variants.get(target_path, 0) + 1
            seen.add(target)
            route = route_of(target_path)
            (more if route in routes_queued else fresh).append(target)
            routes_queued.add(route)
    return result


def test_every_demo_account_can_crawl_the_site_without_errors_or_leaks(demo) -> None:
    failures: list[str] = []
    for email in ACCOUNTS:
        result = crawl(email)
        failures += result.problems
        # Guards against a crawl that proves nothing: signed in, the start page answers itself
        # (a login redirect would not) and links on (styrgrupp has little more than "Byt lösenord").
        if result.statuses["/"] != 200 or len(result.visited) < 2:
            failures.append(f"{email}: start page answered {result.statuses['/']}, {len(result.visited)} pages crawled")
        if email in REFERRERS and not result.masked_on_lists:
            failures.append(f"{email}: no masked personnummer on any list page, so the masking went unchecked")
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)
