"""Quarterly and half-year reports: PDF text, XLSX cells and the headless build_report command
(the stored reports and their page: test_report_files.py, test_views_periodic.py)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from reports import periodic
from teams.models import Team
from tests.reports import dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return dataset.build()


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def sheet_rows(content: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]


def test_period_label_must_match_the_kind() -> None:
    with pytest.raises(ValueError, match="2026H1"):
        periodic.parse("quarterly", "2026H1")
    assert str(periodic.parse("halfyear", "2026H2")) == "2026-07-01 – 2026-12-31"


def test_quarterly_pdf_holds_the_suppressed_figures(data) -> None:
    teams = Team.objects.filter(slug__in=["halmstad-hylte", "varberg"])
    report = periodic.build("quarterly", "2026q3", teams)
    text = pdf_text(periodic.pdf(report).content)
    assert "Kvartalsrapport till styrgruppen 2026Q3" in text
    assert "2026-07-01 – 2026-09-30" in text
    assert "Uppföljning Finsam" in text
    # Finsam: K 2, M 2, total 4 — every one of them below 5
    assert "Kvinna <5" in text
    assert "Man <5" in text
    assert "<5 = 1–4 (litet antal, dolt)." in text  # the footnote under every table with a hidden count


def test_the_pdf_explains_the_protecting_mark_under_its_table() -> None:
    from reports.presentation import ShownSection, show_table
    from reports.statistics import Period, Table

    # the age table: 30–44 år Kvinna 3 (primary), Man 18 (hidden to protect it)
    table = Table(
        "age",
        "Deltagare per åldersgrupp",
        "Ålder",
        ["Kvinna", "Man"],
        [("16–29 år", [12, 9]), ("30–44 år", [3, 18]), ("45–64 år", [8, 2])],
    )
    section = ShownSection("participants", "Deltagare", [show_table(table, suppress=True, limit=5)], [])
    report = periodic.Report("quarterly", "2026Q3", Period.quarter(2026, 3), "Alla team", [section])
    text = " ".join(pdf_text(periodic.pdf(report).content).split())  # the footnote wraps
    assert "30–44 år <5 x 21" in text
    assert "x = dolt för att ett antal under 5 inte ska kunna räknas fram ur summorna." in text


def test_half_year_xlsx_holds_the_same_numbers(data) -> None:
    teams = Team.objects.filter(slug="halmstad-hylte")
    content = periodic.xlsx(periodic.build("halfyear", "2026H2", teams, scope="IST Halmstad/Hylte"))
    rows = sheet_rows(content)
    assert rows[0] == ["Halvårsrapport till förbundet 2026H2"]
    assert rows[1] == ["Period", "2026-07-01 – 2026-12-31"]
    sheet = load_workbook(io.BytesIO(content))["Avslut och uppföljning"]
    rows = [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]
    start = rows.index(["Avslut per orsak"])
    # two closures (E2 arbete, E4 egen begäran): both below 5, the total 2 too; one column, so no
    # row totals (as on the page); the exit reason's group is named once
    assert rows[start + 1 : start + 6] == [
        ["Avslutsorsak", "Avslut"],
        ["Avslut enligt plan: Arbete", "<5"],
        ["Avbrott på egen begäran", "<5"],
        ["Summa", "<5"],
        ["<5 = 1–4 (litet antal, dolt)."],
    ]


def test_build_report_writes_all_teams_and_each_team(data, tmp_path) -> None:
    call_command("build_report", kind="quarterly", period="2026Q3", out=tmp_path, stdout=io.StringIO())
    names = sorted(p.name for p in tmp_path.iterdir())
    assert "ist-quarterly-2026Q3-alla-team.pdf" in names
    assert "ist-quarterly-2026Q3-alla-team.xlsx" in names
    assert "ist-quarterly-2026Q3-halmstad-hylte.pdf" in names
    assert len(names) == 2 * (1 + Team.objects.filter(active=True).count())
    text = pdf_text((tmp_path / "ist-quarterly-2026Q3-varberg.pdf").read_bytes())
    assert "IST Varberg" in text


def test_build_report_refuses_a_mismatched_period(tmp_path) -> None:
    with pytest.raises(CommandError, match="2026H1"):
        call_command("build_report", kind="quarterly", period="2026H1", out=tmp_path)
