"""Gallring (administrators): what the next run removes, the rules, spärrar, the gallringslogg; and
registerutdrag. Administrators only: everyone else gets 403 (the pages concern no team)."""

from __future__ import annotations

import io
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ist.audit.recording import record_access
from ist.http import AuthenticatedHttpRequest
from ist.pdf.storage import read_verified
from ist.retention import selectors, services
from ist.retention.forms import ExtractForm, HoldForm
from ist.retention.models import RegisterExtract
from ist.web import form_token, render_page_or_partial

if TYPE_CHECKING:
    import uuid
    from collections.abc import Callable


OVERVIEW = "retention/overview.html"
EXTRACTS = "retention/extracts.html"


def administrators_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_administrator:
            raise PermissionDenied("Gallring och registerutdrag är bara för administratörer.")
        return view(request, *args, **kwargs)

    return wrapped


def _overview(request: AuthenticatedHttpRequest, hold_form: HoldForm, status: int = 200) -> HttpResponse:
    holds = list(selectors.holds())
    record_access(request, holds, what="spärrar mot gallring")
    rules = list(selectors.rules())
    context = {
        "preview": services.preview(),
        "rules": rules,
        "rules_off": [rule for rule in rules if not rule.active],
        "holds": holds,
        "hold_form": hold_form,
        "runs": selectors.recent_runs(),
    }
    return render(request, OVERVIEW, context, status=status)


@require_GET
@administrators_only
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _overview(request, HoldForm())


@require_POST
@administrators_only
def hold_place(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = HoldForm(request.POST)
    if not form.is_valid():
        return _overview(request, form)
    hold, created = services.hold_place(by=request.user, **form.cleaned_data)
    record_access(request, [hold], what="spärr mot gallring lagd" if created else "spärr mot gallring fanns redan")
    messages.success(request, "Spärren är lagd." if created else "Personen hade redan en spärr.")
    return redirect("retention:overview")


@require_POST
@administrators_only
def hold_release(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    released = services.hold_release(hold_id=pk, by=request.user)
    messages.success(request, "Spärren är hävd." if released else "Spärren var redan hävd.")
    return redirect("retention:overview")


@require_http_methods(["GET", "POST"])
@administrators_only
def extracts(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ExtractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        extract = services.extract_request(by=request.user, form_token=form_token(request), **form.cleaned_data)
        record_access(request, [extract], what=f"registerutdrag beställt: {extract.reason}")
        messages.success(request, "Registerutdraget skapas. Det syns i listan när det är klart.")
        return redirect("retention:extracts")
    rows = list(selectors.recent_extracts())
    record_access(request, rows, what="registerutdrag, lista")
    # An open page polls while an extract it shows is being built (the list is the fragment).
    polling = any(row.status == RegisterExtract.Status.PENDING for row in rows)
    context = {"form": form, "extracts": rows, "form_token": form_token(request), "polling": polling}
    return render_page_or_partial(request, EXTRACTS, "list", context)


@require_GET
@administrators_only
def extract_download(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponseBase:
    extract = get_object_or_404(RegisterExtract, public_id=public_id)
    if extract.status != RegisterExtract.Status.READY:
        raise Http404
    content = read_verified(extract.pdf, extract.sha256)
    if content is None:
        record_access(request, [extract], what="registerutdrag", outcome="tampered")
        return render(request, "retention/extract_tampered.html", status=500)
    record_access(request, [extract], what="registerutdrag hämtat")
    services.extract_downloaded(extract=extract)
    response = FileResponse(
        io.BytesIO(content), content_type="application/pdf", as_attachment=True, filename=extract.filename
    )
    response["Cache-Control"] = "no-store, private"
    return response
