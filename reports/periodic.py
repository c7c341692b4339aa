"""The quarterly report (steering group) and the half-year report (association): the statistics page's
numbers for a calendar period, all teams or one, suppressed (they leave the team), as PDF and XLSX."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.text import slugify

from ist.pdf.rendering import render_pdf
from reports import exports, presentation, suppression
from reports.models import ReportFile
from reports.statistics import Period, all_sections

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from ist.pdf.rendering import RenderedPdf
    from reports.presentation import ShownSection
    from teams.models import Team

KINDS = dict(ReportFile.Kind.choices)
PDF_TEMPLATE = "reports/pdf/periodic.html"


@dataclass
class Report:
    kind: str
    label: str  # "2026Q3"
    period: Period
    scope: str  # "Alla team" or the team's name
    sections: list[ShownSection]

    @property
    def title(self) -> str:
        return f"{KINDS[self.kind]} {self.label}"

    @property
    def filename(self) -> str:
        return filename(self.kind, self.label, self.scope)


ALL = "Alla team"


def filename(kind: str, label: str, scope: str) -> str:
    """e.g. ist-quarterly-2026Q3-halmstad-hylte (no extension): ASCII, no personal data."""
    return f"ist-{kind}-{label}-{slugify(scope.replace('IST ', '').replace('/', '-'))}"


def parse(kind: str, label: str) -> Period:
    """The period of a report; ValueError if the kind and label do not match ("quarterly", "2026Q3")."""
    if kind not in KINDS:
        raise ValueError(kind)
    period = Period.parse(label)
    if (kind == "quarterly") != (label.strip().upper()[4] == "Q"):
        raise ValueError(label)
    return period


def build(kind: str, label: str, teams: QuerySet[Team], *, scope: str = ALL) -> Report:
    period = parse(kind, label)
    sections = presentation.show(all_sections(teams, period), suppress=True)
    return Report(kind=kind, label=label.strip().upper(), period=period, scope=scope, sections=sections)


def pdf(report: Report) -> RenderedPdf:
    return render_pdf(
        PDF_TEMPLATE,
        {
            "title": report.title,
            "report": report,
            "team_name": report.scope,
            "document_id": report.filename,
            "version": 1,
            "made_on": timezone.localdate(),
            "limit": suppression.threshold(),
        },
    )


def xlsx(report: Report) -> bytes:
    """An "Om rapporten" sheet (title, period, scope, the suppression note), then one sheet per section."""
    return exports.workbook(
        report.sections, title=report.title, meta=[("Period", str(report.period)), ("Omfattning", report.scope)]
    )
