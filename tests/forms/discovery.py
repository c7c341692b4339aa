"""Find every HTML form of the app: crawl the pages each demo account can reach and parse each
<form> with its method, targets (action and hx-post/hx-get) and named controls.

Nothing is hand-picked: a new form on a page any account reaches is fuzzed by tests/forms/test_fuzz.py
without a line changed there."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.test import Client

from tests.demo.test_crawl import internal_url, route_of


@dataclass
class Control:
    """One named control: its kind (input type, "select", "textarea") and the values it offers."""

    name: str
    kind: str
    value: str = ""
    options: list[str] = field(default_factory=list)  # select options, or radio/checkbox values
    checked: list[str] = field(default_factory=list)  # what the page submits as it is
    multiple: bool = False


@dataclass
class Form:
    page: str  # where it was found
    method: str  # "get" or "post"
    targets: list[tuple[str, bool]]  # (url, is_htmx)
    controls: dict[str, Control] = field(default_factory=dict)
    account: str | None = None  # who saw it: the legitimate user (None: anonymous)

    @property
    def key(self) -> tuple[str, str]:
        """Forms with the same method and route are one form (another row's copy)."""
        return (self.method, route_of(urlsplit(self.targets[0][0]).path))

    def describe(self) -> str:
        return f"{self.method.upper()} {self.targets[0][0]} (on {self.page}, as {self.account or 'anonymous'})"


class FormParser(HTMLParser):
    """Collects the page's links and its forms with their controls."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Control | None = None
        self._textarea: Control | None = None

    def _url(self, target: str | None) -> str:
        url = urljoin(f"http://testserver{self.page}", target or self.page)
        parts = urlsplit(url)
        return f"{parts.path}?{parts.query}" if parts.query else parts.path

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attr_list}
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"].strip())
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            targets = []
            if "action" in attrs or not (attrs.get("hx-post") or attrs.get("hx-get")):
                targets.append((self._url(attrs.get("action")), False))
            for hx in ("hx-post", "hx-get"):
                if attrs.get(hx):
                    targets.append((self._url(attrs[hx]), True))
                    method = hx[3:]
            self._form = Form(page=self.page, method=method, targets=targets)
            return
        form = self._form
        if form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            control = form.controls.setdefault(name, Control(name=name, kind=kind, value=attrs.get("value", "")))
            if kind in ("checkbox", "radio"):
                control.options.append(attrs.get("value", "on"))
                control.multiple = kind == "checkbox"
                if "checked" in attrs:
                    control.checked.append(attrs.get("value", "on"))
            else:
                control.checked = [attrs.get("value", "")]
        elif tag == "button" and name:
            control = form.controls.setdefault(name, Control(name=name, kind="submit"))
            control.options.append(attrs.get("value", ""))
        elif tag == "select" and name:
            self._select = form.controls.setdefault(name, Control(name=name, kind="select"))
            self._select.multiple = "multiple" in attrs
        elif tag == "option" and self._select is not None:
            self._select.options.append(attrs.get("value", ""))
            if "selected" in attrs:
                self._select.checked.append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = form.controls.setdefault(name, Control(name=name, kind="textarea"))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._textarea.checked = [self._textarea.value.removeprefix("\n")]
            self._textarea = None


# Pages not crawled: logout ends the session, the language switch sets a cookie, the admin is
# Django's own, report files are rendered PDFs. Forms not fuzzed: logout and the language switch
# would change the client for every later example (a session ended, English pages); the admin's.
SKIP_PAGES = ("/konto/logout/", "/sprak/", "/admin/", "/static/", "/rapporter/quarterly/", "/rapporter/halfyear/")
SKIP_FORMS = ("/konto/logout/", "/sprak/", "/admin/")
PAGES_PER_ROUTE = 3  # the same page for another object adds forms only when its state differs


def forms_reachable(client: Client, start: str = "/", max_pages: int = 120) -> tuple[list[Form], list[str]]:
    """The forms on the pages reachable from `start` by links, and the URLs visited."""
    queue: deque[str] = deque([start])
    seen = {start}
    per_route: dict[str, int] = {}
    forms: list[Form] = []
    visited: list[str] = []
    while queue and len(visited) < max_pages:
        url = queue.popleft()
        response = client.get(url)
        visited.append(url)
        if response.status_code in (301, 302, 303, 307, 308):
            links = [response["Location"]]
        elif response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            parser = FormParser(url)
            parser.feed(response.content.decode(response.charset or "utf-8"))
            parser.close()
            forms += [f for f in parser.forms if not urlsplit(f.targets[0][0]).path.startswith(SKIP_FORMS)]
            links = parser.links
        else:
            links = []
        for href in links:
            target = internal_url(href, url)
            if target is None or target in seen or urlsplit(target).path.startswith(SKIP_PAGES):
                continue
            seen.add(target)
            route = route_of(urlsplit(target).path)
            if per_route.get(route, 0) >= PAGES_PER_ROUTE:
                continue
            per_route[route] = per_route.get(route, 0) + 1
            queue.append(target)
    return forms, visited
