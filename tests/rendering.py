"""Templates rendered without the test client's instrumentation, for every test that does not read
what a page was rendered from.

`setup_test_environment` makes every template render send a signal, and the test client stores a
copy of the template's whole context for each render (`response.context`, `response.templates`):
on a page of ~20 included templates that is a sixth to a quarter of the request (measured on the
demo crawl, docs/performance.md "Test suite"). Most tests read only the answer (status, HTML,
headers, rows), so `tests/conftest.py` renders plainly by default; a test or module that reads
`response.context` or `response.templates` is marked `template_context` and gets Django's
instrumented rendering, as before. A test that reads them without the mark finds `response.context`
None and fails loudly, never silently."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.template.base import Template
from django.template.context import Context
from django.utils.safestring import SafeString

MARKER = "template_context"


def _plain_render(self: Template, context: Context) -> SafeString:
    return self.nodelist.render(context)


@contextmanager
def plain_rendering() -> Iterator[None]:
    """Template._render as outside tests: no signal, no copy of the context per template."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Template, "_render", _plain_render)
        yield
