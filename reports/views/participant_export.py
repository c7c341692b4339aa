"""Deltagarexport: the participant-level export, administrators only, with a stated reason, logged."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from itertools import islice
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_http_methods

from ist.audit.recording import record_access
from ist.forms import DateField
from ist.http import AuthenticatedHttpRequest
from reports import participant_export
from reports.statistics import Period

if TYPE_CHECKING:
    pass

PAGE = "reports/participant_export.html"
# Rows read, written and access-logged together: memory holds one batch (a year at national scale is
# 50,000 enrolments; a list of them all, and one INSERT of 50,000 log rows, took 544 MiB).
BATCH = 2000


class _Line:
    """csv.writer's file: hands back each written line instead of keeping it."""

    def write(self, text: str) -> str:
        return text


def _stream(request: AuthenticatedHttpRequest, period: Period, reason: str) -> Iterator[str]:
    """The CSV a batch at a time; each batch's reads are logged (one INSERT) before its rows go out,
    so the log never misses a row the administrator received."""
    writer = csv.writer(_Line(), delimiter=";")
    yield "\ufeff" + writer.writerow(participant_export.HEADER)
    rows = participant_export.enrollments(period).iterator(chunk_size=BATCH)
    while batch := list(islice(rows, BATCH)):
        record_access(request, batch, what=f"deltagarexport: {reason}")
        yield "".join(writer.writerow(participant_export.row(e)) for e in batch)


class ExportForm(forms.Form):
    fran = DateField(label="Från och med")
    till = DateField(label="Till och med")
    reason = forms.CharField(
        label="Skäl till exporten",
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Skälet sparas i loggen tillsammans med vilka inskrivningar som exporterades.",
        error_messages={
            "required": "Skriv varför du behöver exporten.",
            "min_length": "Skriv skälet med minst 10 tecken.",
        },
    )

    def clean(self) -> dict[str, object]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("fran") and cleaned.get("till") and cleaned["till"] < cleaned["fran"]:
            self.add_error("till", "Slutdatumet ligger före startdatumet.")
        return cleaned


@require_http_methods(["GET", "POST"])
def participant_export_view(request: AuthenticatedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    """GET the form; POST with a reason downloads the CSV and logs every exported enrolment."""
    if not request.user.is_administrator:
        raise PermissionDenied("Deltagarexporten är bara för administratörer.")
    form = ExportForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, PAGE, {"form": form})
    period = Period(form.cleaned_data["fran"], form.cleaned_data["till"])
    # Streamed with constant memory: rows are read, logged and sent a batch at a time.
    response = StreamingHttpResponse(
        _stream(request, period, form.cleaned_data["reason"]), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="ist-deltagare-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"'
    )
    return response


urlpatterns = [path("statistik/deltagarexport/", participant_export_view, name="participant_export")]
