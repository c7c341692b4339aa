"""Loggkontroll: coordinators and administrators review who read or changed what."""

from __future__ import annotations

import csv
import logging
import re
from typing import cast

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from ist.audit.forms import LogFilterForm
from ist.audit.labels import action_label
from ist.audit.recording import record_log_review
from ist.audit.selectors import filter_log, log_entries_for, may_review_log
from ist.audit.subjects import find_people
from ist.http import AuthenticatedHttpRequest
from ist.keyset import keyset_page
from ist.pickers import PersonField, search_view

PERSON_KEY = re.compile(r"^[a-z]+:\d+$")
security_log = logging.getLogger("ist.security")
# What the extract writes per entry (log_extract) and what action_label reads.
EXTRACT_FIELDS = ("timestamp", "actor_email", "action", "additional_data", "content_type", "object_repr", "remote_addr")


def spreadsheet_safe(value: str) -> str:
    """A cell Excel will not run as a formula (CSV injection)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


PAGE_SIZE = 50


@require_safe
def log_review(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_review_log(request.user):
        raise PermissionDenied
    form = LogFilterForm(request.GET or None, viewer=request.user)
    entries = log_entries_for(request.user)
    people: list[tuple[str, str]] | None = None
    if form.is_bound and not form.is_valid():
        entries = entries.none()
    elif form.is_bound:
        data = form.cleaned_data
        if data["person"]:
            people = find_people(request.user, data["person"])
        entries = filter_log(
            entries,
            actor=data["actor"],
            people=[key for key, _label in people] if people is not None else None,
            date_from=data["date_from"],
            date_to=data["date_to"],
            action=data["action"],
        )
    # Keyset pages ("Nyare / Äldre"), never an exact count: COUNT(*) reads the whole log.
    page = keyset_page(
        entries, size=PAGE_SIZE, older_than=request.GET.get("aldre"), newer_than=request.GET.get("nyare")
    )
    query = request.GET.copy()
    query.pop("aldre", None)
    query.pop("nyare", None)
    context = {"form": form, "page": page, "people": people, "query": query.urlencode()}
    response = render(request, "audit/log.html", context)
    # Reading the log is itself logged, after the page is made so that it does not list its own read.
    record_log_review(request, what="loggkontroll", filters=request.GET.urlencode())
    return response


@require_safe
def log_extract(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every log entry about one person that the reviewer may see, as CSV (registerutdrag)."""
    if not may_review_log(request.user):
        raise PermissionDenied
    key = request.GET.get("person", "")
    if not PERSON_KEY.match(key):
        return HttpResponse("Ange en person.", status=400, content_type="text/plain; charset=utf-8")
    # Only the columns the file holds: no user or content-type row joined per entry (the type's name
    # comes from ContentType's cache) and no `changes` to decode (docs/performance.md "Round ten").
    entries = (
        filter_log(log_entries_for(request.user), people=[key])
        .select_related(None)
        .only(*EXTRACT_FIELDS)
        .order_by("timestamp", "pk")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    # The name carries no personal data (no personnummer): it lands in download folders, browser
    # histories and e-mails. Who it is about is inside the file and in the access log.
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="loggutdrag-{stamp}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 (å ä ö) only with a BOM
    writer = csv.writer(response, delimiter=";")
    writer.writerow(["Tid", "Användare", "Händelse", "Uppgift", "Objekt", "IP-adress"])
    for entry in entries.iterator(chunk_size=500):
        row = [
            timezone.localtime(entry.timestamp).strftime("%Y-%m-%d %H:%M:%S"),
            entry.actor_email or "",
            action_label(entry),
            ContentType.objects.get_for_id(entry.content_type_id).name if entry.content_type_id else "",
            entry.object_repr,
            entry.remote_addr or "",
        ]
        writer.writerow([spreadsheet_safe(str(cell)) for cell in row])
    security_log.info("log extract for %s by user %s", key, request.user.pk)
    record_log_review(request, what="loggutdrag", person=key)  # after: the extract ends before its own read
    return response


@require_safe
def actor_search(request: HttpRequest) -> HttpResponse:
    """The "Användare" picker's matches (htmx): the users the reviewer may review, at most
    ist.pickers.LIMIT. One query besides the check."""
    if not may_review_log(request.user):
        raise PermissionDenied
    field = cast("PersonField", LogFilterForm(viewer=request.user).fields["actor"])
    return search_view(request, field, name="actor")
