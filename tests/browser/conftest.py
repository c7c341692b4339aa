"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

One browser for the whole session, a fresh context (cookies, storage) and page for every test.
`live_server` implies a transactional database that is flushed after each test (with DELETE, not
TRUNCATE: tests/flushing.py), which removes the five teams the data migration made: the
`page` fixture seeds the demo organisation again. A test seeds only the data it reads.

Every page a test visits must be checked with `check_a11y(page)` (axe-core, WCAG 2.0/2.1 A and AA);
the `page` fixture fails a test that navigated to a page it did not check.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Frame, Page, expect, sync_playwright

from teams.demo import DEMO_PASSWORD
from tests.databases import seed_reference_data
from tests.outbox import held
from tests.outbox.held import OutboxEmails

# Playwright's sync API runs an asyncio event loop in the test thread, and Django refuses ORM
# calls from a thread with a running loop. Set here only: the rest of the suite keeps the check.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
# Screenshots are a by-product of every run: they go to var/ (ignored by git) unless asked for with
# `pytest --update-screenshots` (`make screenshots`), which refreshes the tracked ones in docs/.
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
RUN_SCREENSHOTS = ROOT / "var" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TIMEOUT_MS = 10_000

# axe-core is injected through the DevTools protocol, which is not subject to the page's
# Content-Security-Policy (script-src 'self'): no `bypass_csp` is needed, so the tests run under the
# same CSP users get (test_axe_runs_under_the_apps_csp proves it). It is 570 kB of script: the
# `page` fixture registers it once per context as an init script, which Chromium runs in every
# document it loads, instead of sending it from Python at every check (a journey checks ~10–35 pages).
AXE = Axe()
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
# Only the violations come back: the passes and the rules that did not apply are not read.
AXE_RUN = """options => window.axe === undefined ? null
    : axe.run(options).then(results => ({violations: results.violations}))"""


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's Chromium. Run scripts/system-deps.sh.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageWatch:
    """What a page went through: the documents it showed (and whether axe checked each), and any
    resource the Content-Security-Policy refused (an inline script or style the app should not have)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.visits: list[list[str | bool]] = []  # [url, checked]
        self.csp_violations: list[str] = []
        page.on("framenavigated", self._navigated)
        page.on("console", self._console)

    def _navigated(self, frame: Frame) -> None:
        if frame == self.page.main_frame:
            self.visits.append([frame.url, False])

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.csp_violations.append(f"{self.page.url}: {message.text}")

    def checked_current(self) -> None:
        if self.visits:
            self.visits[-1][1] = True

    def unchecked(self) -> list[str]:
        return [str(url) for url, checked in self.visits if not checked]


_WATCHES: dict[Page, PageWatch] = {}
CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed
    return report


@pytest.fixture
def page(request: pytest.FixtureRequest, browser: Browser, live_server, settings) -> Iterator[Page]:
    """A page in a fresh Swedish context, with the demo organisation in the database.

    After a test that passed, fails if the test left a page unchecked by axe or the CSP refused anything."""
    # Seeding hashes the password of 17 demo users; PBKDF2 would spend ~0.2 s on each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed_reference_data()
    context = browser.new_context(
        base_url=live_server.url,
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
        viewport={"width": 1280, "height": 800},
    )
    context.add_init_script(AXE.axe_script)
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    watch = _WATCHES[page] = PageWatch(page)
    yield page
    context.close()
    del _WATCHES[page]
    if not request.node.stash.get(CALL_FAILED, True):
        assert not watch.unchecked(), f"pages visited without check_a11y(page): {watch.unchecked()}"
        assert not watch.csp_violations, "\n".join(["Content-Security-Policy violations:", *watch.csp_violations])


@pytest.fixture
def page_watch(page: Page) -> PageWatch:
    return _WATCHES[page]


def _check_a11y(page: Page) -> None:
    """Run axe-core on the page as it is now; fail with axe's report if anything violates WCAG 2.1 A/AA."""
    page.wait_for_load_state("load")
    response = page.evaluate(AXE_RUN, AXE_OPTIONS)
    if response is None:  # a document the init script did not reach: inject axe as before
        page.evaluate(AXE.axe_script)
        response = page.evaluate(AXE_RUN, AXE_OPTIONS)
    results = AxeResults(response)
    _WATCHES[page].checked_current()
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


@pytest.fixture
def check_a11y() -> Callable[[Page], None]:
    return _check_a11y


@pytest.fixture
def screenshot(pytestconfig: pytest.Config) -> Callable[[Page, str], Path]:
    """Save a full-page screenshot as var/screenshots/<name>.png (docs/screenshots/ with
    --update-screenshots)."""
    folder = DOCS_SCREENSHOTS if pytestconfig.getoption("update_screenshots") else RUN_SCREENSHOTS

    def take(page: Page, name: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=path, full_page=True, animations="disabled", caret="hide")
        return path

    return take


def _log_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Fill in and send the login form on the current page (the login page)."""
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill(password)
    # Wait for the answer to replace the page: a refused login shows the same page again.
    with page.expect_navigation():
        page.get_by_role("button", name="Logga in").click()


@pytest.fixture
def log_in() -> Callable[..., None]:
    return _log_in


@pytest.fixture
def notifications_sent(monkeypatch: pytest.MonkeyPatch) -> OutboxEmails:
    """The e-mails a journey asks for, as (kind, object id): kept in the outbox, not handed to the
    broker (tests/outbox/held.py); its tasks go to the test process's own queue."""
    return held.hold(monkeypatch)
