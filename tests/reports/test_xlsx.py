"""Spreadsheets made for Excel (issue 17, point 3), read back with openpyxl: one sheet per section,
bold and frozen header rows, numbers as numbers, percentages and days with number formats, column
widths and the suppression note on every sheet. Figures from tests/reports/dataset.py (2026Q3)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from reports import exports, periodic, presentation
from reports.statistics import Period, all_sections
from teams.models import Team
from tests.reports import dataset

pytestmark = pytest.mark.django_db

SECTIONS = [
    "Vägen in",
    "Deltagare",
    "Under tiden i IST",
    "Avslut och uppföljning",
    "Konsultativa frågor",
    "Deltagarnas röst (enkäter)",
]
Q3 = Period.quarter(2026, 3)


@pytest.fixture
def data():
    return dataset.build()


def _row(sheet: Worksheet, first: str) -> int:
    """The number of the first row whose first cell is `first`."""
    return next(cell.row for cell in sheet["A"] if cell.value == first)


def test_the_quarterly_workbook_has_a_sheet_per_section_each_with_the_suppression_note(data) -> None:
    teams = Team.objects.filter(slug__in=["halmstad-hylte", "varberg"])
    book = load_workbook(io.BytesIO(periodic.xlsx(periodic.build("quarterly", "2026Q3", teams))))
    assert book.sheetnames == ["Om rapporten", *SECTIONS]
    note = exports.suppression_note()
    about = book["Om rapporten"]
    assert about["A1"].value == "Kvartalsrapport till styrgruppen 2026Q3"
    assert about["A1"].font.b
    assert [about["A2"].value, about["B2"].value] == ["Period", "2026-07-01 – 2026-09-30"]
    assert about["A4"].value == note
    for name in SECTIONS:
        sheet = book[name]
        assert sheet["A1"].value == name
        assert sheet["A1"].font.b
        assert sheet["A2"].value == "Period: 2026-07-01 – 2026-09-30 · Omfattning: Alla team"
        assert sheet["A3"].value == note
        assert sheet.freeze_panes == "B4"
        assert sheet.column_dimensions["A"].width == exports.LABEL_WIDTH
        assert sheet.column_dimensions["B"].width == exports.NUMBER_WIDTH

    # Finsam: K 2 (P1, P4), M 2 (P2, P5; P6 closed in January): every count below 5 stays text,
    # and a table with a hidden entry carries its footnote under it.
    sheet = book["Deltagare"]
    header = _row(sheet, "Kön")
    assert all(sheet.cell(row=header, column=c).font.b for c in (1, 2))
    kvinna = sheet.cell(row=header + 1, column=2)
    assert (sheet.cell(row=header + 1, column=1).value, kvinna.value, kvinna.data_type) == ("Kvinna", "<5", "s")
    assert kvinna.alignment.horizontal == "right"
    footnotes = [cell.value for cell in sheet["A"] if isinstance(cell.value, str) and cell.value.startswith("<5 =")]
    assert footnotes


def test_counts_are_numbers_and_shares_and_days_carry_number_formats(data) -> None:
    # Unsuppressed (a coordinator's own figures) so that every number is there to read back.
    teams = Team.objects.filter(slug="halmstad-hylte")
    sections = presentation.show(all_sections(teams, Q3), suppress=False)
    book = load_workbook(io.BytesIO(exports.workbook(sections, title="IST statistik", meta=[("Period", str(Q3))])))

    way_in = book["Vägen in"]
    measures = _row(way_in, "Mått")
    assert [way_in.cell(row=measures, column=c).font.b for c in (1, 2)] == [True, True]
    answered = way_in.cell(row=_row(way_in, "Besvarade remisser"), column=2)
    assert (answered.value, answered.data_type, answered.number_format) == (2, "n", exports.COUNT_FORMAT)
    # r1 answered in 9 days, r2 in 18: 13.5 days on average, one of the two within the deadline
    days = way_in.cell(row=_row(way_in, "Dagar från inkommen till svar, medel"), column=2)
    assert (days.value, days.number_format) == (13.5, exports.DAYS_FORMAT)
    within = way_in.cell(row=_row(way_in, "Besvarade inom svarstiden"), column=2)
    assert (within.value, within.number_format) == (0.5, exports.PERCENT_FORMAT)
    # Referrals received from Försäkringskassan: r1 and r2 (r3 from AF; r4 arrived in June)
    header = _row(way_in, "Remitterande organisation")
    assert all(way_in.cell(row=header, column=c).font.b for c in (1, 2))

    in_ist = book["Under tiden i IST"]
    header = _row(in_ist, "Aktivitet")
    assert [in_ist.cell(row=header, column=c).value for c in range(1, 7)] == [
        "Aktivitet",
        "Närvarande",
        "Anmäld frånvaro",
        "Oanmäld frånvaro",
        "Summa",
        "Närvaro",
    ]
    # E1 talks 07-02 present and 07-09 excused: 1, 1, 0, total 2, attendance 50 %
    rows = {in_ist.cell(row=r, column=1).value: r for r in range(header + 1, header + 6)}
    talk = next(r for label, r in rows.items() if label and "samtal" in str(label).lower())
    values = [in_ist.cell(row=talk, column=c).value for c in range(2, 7)]
    assert values == [1, 1, 0, 2, 0.5]
    assert in_ist.cell(row=talk, column=6).number_format == exports.PERCENT_FORMAT
    assert all(in_ist.cell(row=talk, column=c).data_type == "n" for c in range(2, 7))


def test_the_csv_carries_the_note_and_each_tables_footnote(data) -> None:
    import csv

    teams = Team.objects.filter(slug__in=["halmstad-hylte", "varberg"])
    sections = presentation.show(all_sections(teams, Q3), suppress=True)
    stream = io.StringIO()
    exports.write_csv(stream, sections, period=Q3, teams=["A", "B"])
    rows = list(csv.reader(io.StringIO(stream.getvalue().lstrip("\ufeff")), delimiter=";"))
    assert rows[2] == [exports.suppression_note()]
    # Finsam (K 2, M 2, total 4: all hidden) is followed by its footnote after the totals row
    start = rows.index(["Uppföljning Finsam: deltagare i individinriktad insats"])
    assert rows[start + 4][0] == "Summa"
    assert rows[start + 5] == ["<5 = 1–4 (litet antal, dolt)."]


def test_the_statistics_workbook_has_the_previous_period_beside_each_figure(client, data) -> None:
    from django.urls import reverse

    from teams.models import Membership
    from tests.factories import member

    client.force_login(member(Membership.Role.KOORDINATOR))
    response = client.get(reverse("reports:statistics_xlsx") + "?fran=2026-07-01&till=2026-09-30")
    book = load_workbook(io.BytesIO(response.content))
    about = book["Om rapporten"]
    assert [about["A3"].value, about["B3"].value] == [exports.PREVIOUS, "2026-03-31 – 2026-06-30"]

    # Finsam now K 2, M 1 (total 3), then K 2, M 0 (total 2): suppressed in both periods the same
    # way (an export leaves the team), the zero a number; one column is its own total (no "Summa" column)
    sheet = book["Deltagare"]
    header = _row(sheet, "Kön")
    assert [sheet.cell(row=header, column=c).value for c in range(1, 5)] == [
        "Kön",
        "Deltagare",
        exports.PREVIOUS,
        None,
    ]
    before = [sheet.cell(row=header + r, column=3).value for r in (1, 2, 3)]
    assert before == ["<5", 0, "<5"]
    assert sheet.cell(row=header + 3, column=1).value == "Summa"

    way_in = book["Vägen in"]
    measures = _row(way_in, "Mått")
    assert [way_in.cell(row=measures, column=c).value for c in (1, 2, 3)] == ["Mått", "Värde", exports.PREVIOUS]
    # enrolments closed: some now (small, hidden), none in 2026-03-31 – 06-30 (E6 closed in January)
    closed = _row(sheet, "Avslutade under perioden")
    assert [sheet.cell(row=closed, column=c).value for c in (2, 3)] == ["<5", 0]
