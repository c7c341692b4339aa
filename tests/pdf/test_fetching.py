"""The PDF renderer reads only our static files and data: URLs; every other URL is refused before
anything is opened, and logged."""

from __future__ import annotations

import base64
import io
import socket
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.template import engines
from pypdf import PdfReader

from ist.pdf import rendering
from ist.pdf.fetching import RefusedURLError, StaticOnlyFetcher

STATIC = Path(settings.BASE_DIR) / "static"


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def no_network(monkeypatch):
    """Any socket the renderer opens fails the test (the fetcher must refuse before connecting)."""
    opened: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        opened.append(args)
        raise AssertionError("the PDF renderer opened a connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    return opened


@pytest.fixture
def page_template(monkeypatch, tmp_path):
    """render_pdf with a template whose <head> references the given URLs (a template mistake)."""

    def render(*urls: str, body: str = "<p>Innehåll</p>") -> bytes:
        links = "".join(f'<link rel="stylesheet" href="{url}">' for url in urls)
        source = '{% extends "pdf/base.html" %}{% block content %}' + links + body + "{% endblock %}"
        template = engines["django"].from_string(source)
        monkeypatch.setattr(rendering, "render_to_string", lambda name, context: template.render(context))
        return rendering.render_pdf("inline", {"title": "Test", "document_id": "T-1", "version": 1}).content

    return render


def test_a_static_file_is_served_from_disk():
    font = STATIC / "fonts" / "DejaVuSans.ttf"
    response = StaticOnlyFetcher().fetch(font.resolve().as_uri())
    assert response.read() == font.read_bytes()
    assert response.content_type in {"font/ttf", "application/x-font-ttf", "application/octet-stream"}


def test_a_data_url_is_decoded_in_memory():
    url = "data:text/css;base64," + base64.b64encode(b"p { color: black }").decode()
    assert StaticOnlyFetcher().fetch(url).read() == b"p { color: black }"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:1/x",
        "https://example.org/logo.png",
        "ftp://127.0.0.1/x",
        "file:///etc/passwd",
        (STATIC / ".." / "manage.py").as_uri(),  # ../ out of static
        f"file://otherhost{(STATIC / 'css' / 'ist.css').resolve()}",
        (STATIC / "css" / "missing.css").as_uri(),
    ],
)
def test_anything_else_is_refused_and_logged(url, no_network, caplog):
    with caplog.at_level("WARNING", logger="ist.pdf"), pytest.raises(RefusedURLError):
        StaticOnlyFetcher().fetch(url)
    assert f"refused to fetch {url}" in caplog.text
    assert no_network == []


def test_a_symlink_in_static_cannot_lead_out_of_it(tmp_path, settings, caplog):
    static = tmp_path / "static"
    static.mkdir()
    secret = tmp_path / "secret.css"
    secret.write_text("p { color: red }")
    (static / "link.css").symlink_to(secret)
    settings.STATICFILES_DIRS = [static]
    with caplog.at_level("WARNING", logger="ist.pdf"), pytest.raises(RefusedURLError):
        StaticOnlyFetcher().fetch((static / "link.css").as_uri())
    assert "refused to fetch" in caplog.text


def test_a_rendered_pdf_uses_static_css_and_never_reads_the_rest(page_template, tmp_path, settings, no_network, caplog):
    """The template references a static stylesheet, a local file outside static and an address on
    the network: only the static one reaches the PDF, the others are logged."""
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "print.css").write_text('body::after { content: "Ur statiska mappen"; }')
    outside = tmp_path / "outside.css"
    outside.write_text('body::before { content: "Hemlig fil"; }')
    settings.STATICFILES_DIRS = [STATIC, static]
    with caplog.at_level("WARNING", logger="ist.pdf"):
        pdf = page_template(
            (static / "css" / "print.css").as_uri(), outside.as_uri(), "file:///etc/passwd", "http://127.0.0.1:1/x"
        )
    text = text_of(pdf)
    assert "Ur statiska mappen" in text
    assert "Hemlig fil" not in text
    assert "root:" not in text
    for refused in (outside.as_uri(), "file:///etc/passwd", "http://127.0.0.1:1/x"):
        assert f"refused to fetch {refused}" in caplog.text
    assert "print.css" not in caplog.text
    assert no_network == []
    resources: Any = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]  # indexed by PDF name
    fonts = {str(f["/BaseFont"]) for f in resources["/Font"].values()}
    assert any(f.endswith("+IST-Sans") for f in fonts)  # the shipped font still came from static/fonts


def test_an_image_from_the_network_is_left_out_and_the_pdf_still_renders(page_template, no_network, caplog):
    with caplog.at_level("WARNING", logger="ist.pdf"):
        pdf = page_template(body='<p>Text</p><img src="http://127.0.0.1:1/x.png" alt="logga">')
    assert "Text" in text_of(pdf)
    assert "refused to fetch http://127.0.0.1:1/x.png" in caplog.text
    assert no_network == []
