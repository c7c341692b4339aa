"""The handledare's document pages: start a handlingsplan, återrapport or avslutssammanfattning,
write the draft (saved as you type), preview it as a PDF, finalise it, correct it, share it, and
the participant's contacts (the parties who can be given documents).

Who may do what: staff of the team see every document, drafts too; writing (start, save, finalise,
correct, share, contacts) is for whoever may change the enrolment — a colleague who may only see it
gets 403, everyone else 404. The referrer and chosen parties see only the final documents they were
given. Rendering happens in the task, except the draft preview here.
"""

from __future__ import annotations

from copy import copy  # a ModelForm writes into its instance: the page keeps showing what is saved
from datetime import timedelta
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST, require_safe

from ist.audit.recording import get_allowed_or_403, get_visible_or_404, record_access
from ist.errors import NotAllowedNow, StaleEdit
from ist.http import AuthenticatedHttpRequest
from ist.pdf.rendering import render_pdf
from ist.pickers import PersonField, search_view
from ist.uploads import FILE_LOST_MESSAGE
from participants import selectors as enrolment_selectors
from participants.documents import forms, printing, selectors, services
from participants.documents.inputs import EvaluationRow, PlannedActivity, SubGoalRow
from participants.documents.models import Document

if TYPE_CHECKING:
    from participants.models import Enrollment

DETAIL = "participants/documents/detail.html"
SAVED = "participants/documents/_saved.html"
REFUSAL = "Bara deltagarens handledare och teamets koordinator skriver dokument."
STALE = (
    "Utkastet har sparats av någon annan (eller i en annan flik) medan du skrev. Det du skrev är kvar här men är "
    "inte sparat: ladda om sidan i en ny flik, jämför och skriv in dina ändringar igen."
)
ALREADY_FINAL = "Dokumentet är redan slutfört och kan inte ändras. Gör en rättelse (ny version) om något är fel."
INVALID = "Inte sparat: rätta det som är markerat."
# The page asks for the PDF every few seconds for this long after finalising (a render takes about a
# second; retries after a failure take minutes): an open tab does not poll, or keep its session alive,
# for ever. After that it asks for a reload.
POLL_FOR = timedelta(minutes=10)


# -- Helpers ----------------------------------------------------------------------------


def _document(request: AuthenticatedHttpRequest, public_id: Any, action: str, what: str) -> Document:
    """The document if the user may `action` it (read logged); 403 if they may only see it; 404."""
    visible = selectors.documents_for(request.user, "view")
    if action == "view":
        return get_visible_or_404(request, visible, what=what, public_id=public_id)
    return get_allowed_or_403(
        request,
        selectors.documents_for(request.user, "change"),
        visible,
        what=what,
        refusal=REFUSAL,
        public_id=public_id,
    )


def _download_url(document: Document) -> str:
    """The stored PDF's address (the download view belongs to the delivery pages)."""
    if not document.is_final:
        return ""
    return reverse("participants:document_download", kwargs={"public_id": document.public_id})


def _polls(document: Document) -> bool:
    """Whether the page keeps asking for the PDF: pending, and finalised less than POLL_FOR ago."""
    return (
        document.status == Document.Status.PENDING
        and document.finalised_at is not None
        and document.finalised_at > timezone.now() - POLL_FOR
    )


def _may_change(user: Any, document: Document) -> bool:
    return selectors.documents_for(user, "change").filter(pk=document.pk).exists()


def _editor(document: Document, data: Any = None, files: Any = None, *, extra_goal: bool = False) -> dict[str, Any]:
    """The bound (posted) or unbound (saved) forms of a draft's editor."""
    if data is not None:
        form = forms.DocumentForm(data, files, instance=copy(document))
        sub_goals = forms.SubGoalFormSet(data, prefix="sg")
        evaluations = forms.EvaluationFormSet(data, prefix="ev")
        planned = forms.PlannedFormSet(data, prefix="pa")
    else:
        form = forms.DocumentForm(instance=document)
        rows = [{f: getattr(s, f) for f in services.SUB_GOAL_FIELDS} for s in document.sub_goals.all()]
        if extra_goal or not rows:
            rows.append({})
        sub_goals = forms.SubGoalFormSet(initial=rows, prefix="sg")
        evaluations = forms.EvaluationFormSet(
            initial=[{"result": e.result, "comment": e.comment} for e in document.evaluations.all()], prefix="ev"
        )
        planned = forms.PlannedFormSet(initial=document.planned_activities, prefix="pa")
    return {"form": form, "sub_goals": sub_goals, "evaluations": evaluations, "planned": planned}


def _valid(editor: dict[str, Any]) -> bool:
    return all(
        [
            editor["form"].is_valid(),
            editor["sub_goals"].is_valid(),
            editor["evaluations"].is_valid(),
            editor["planned"].is_valid(),
        ]
    )


def _save(request: AuthenticatedHttpRequest, document: Document, editor: dict[str, Any]) -> Document:
    """Save the posted editor (valid) into the draft; StaleEdit / NotAllowedNow pass through."""
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError:
        raise StaleEdit from None
    form = editor["form"]
    stored = document.planned_activities
    planned = [
        PlannedActivity(
            kind=stored[i]["kind"],
            label=stored[i]["label"],
            count=row.cleaned_data["count"],
            per_weeks=row.cleaned_data["per_weeks"],
            note=row.cleaned_data["note"],
        )
        for i, row in enumerate(editor["planned"].forms)
        if i < len(stored)
    ]
    sub_goals = [
        SubGoalRow(
            goal=row.cleaned_data["goal"],
            activities=row.cleaned_data["activities"],
            responsible=row.cleaned_data["responsible"],
            due_on=row.cleaned_data["due_on"],
        )
        for row in editor["sub_goals"].forms
        if not row.is_blank()
    ]
    evaluations = [
        EvaluationRow(result=row.cleaned_data.get("result", ""), comment=row.cleaned_data.get("comment", ""))
        for row in editor["evaluations"].forms
    ]
    return services.document_save_draft(
        document=document,
        by=request.user,
        expected_revision=revision,
        content=form.content(),
        sub_goals=sub_goals,
        evaluations=evaluations,
        planned_activities=planned if document.kind == Document.Kind.ACTION_PLAN else None,
        change_note=form.cleaned_data.get("change_note") if "change_note" in form.fields else None,
        signed_copy=form.cleaned_data.get("signed_copy") or None,
    )


def _page(
    request: AuthenticatedHttpRequest,
    document: Document,
    *,
    editor: dict[str, Any] | None = None,
    recipients: forms.RecipientsForm | None = None,
    revision: int | str | None = None,
    missing: list[str] | None = None,
    notice: str = "",
    status: int = 200,
    unsaved: bool = False,
) -> HttpResponse:
    """The document page. An editor that comes back with errors keeps what was typed, and says so
    if a chosen file (the signed copy) was not saved."""
    user = request.user
    can_change = _may_change(user, document)
    staff = enrolment_selectors.is_staff_for(user, document.enrollment)
    versions = list(
        selectors.documents_for(user)
        .filter(enrollment_id=document.enrollment_id, kind=document.kind, number=document.number)
        .order_by("version")
    )
    context: dict[str, Any] = {
        "document": document,
        "enrollment": document.enrollment,
        "participant": document.enrollment.participant,
        "can_change": can_change,
        "staff": staff,
        "versions": versions,
        "missing": missing or [],
        "notice": notice,
        "revision": document.revision if revision is None else revision,
        "download_url": _download_url(document),
        "polls": _polls(document),
        "file_lost_message": FILE_LOST_MESSAGE if unsaved and request.FILES.get("signed_copy") else "",
    }
    contacts = selectors.contacts_of(document.enrollment) if staff else None
    if document.is_draft and can_change:
        editor = editor or _editor(document)
        evaluation_goals = list(document.evaluations.all())
        context |= editor | {
            "evaluation_rows": list(zip(evaluation_goals, editor["evaluations"].forms, strict=False)),
            "planned_rows": list(zip(document.planned_activities, editor["planned"].forms, strict=False)),
            "recipients": recipients or forms.RecipientsForm(contacts=contacts),
            "referrer": document.enrollment.referral.referrer if document.enrollment.referral else None,
        }
    else:
        context |= {
            "sub_goal_rows": list(document.sub_goals.all()),
            "evaluation_list": list(document.evaluations.all()),
        }
        if staff:
            # The downloads of every version, prefetched through the scoped versions: three queries
            # however many versions (one query per version otherwise).
            prefetch_related_objects(versions, "downloads__user__organisation")
            downloads = sorted(
                (d for version in versions for d in version.downloads.all()), key=lambda d: (d.at, d.pk), reverse=True
            )
            context |= {
                "deliveries": list(selectors.deliveries_of(document)),
                "downloads": downloads,
                "share": forms.RecipientsForm(contacts=contacts) if can_change and not document.is_draft else None,
            }
    return render(request, DETAIL, context, status=status)


def _enrollment_to_change(request: AuthenticatedHttpRequest, pk: int, *, what: str) -> Enrollment:
    """The enrolment if the user may change it (read logged); 403 if they may only see it; 404."""
    return get_allowed_or_403(
        request,
        enrolment_selectors.enrollments_for(request.user, "change"),
        enrolment_selectors.enrollments_for(request.user, "view"),
        what=what,
        refusal=REFUSAL,
        pk=pk,
    )


# -- Pages ------------------------------------------------------------------------------


@require_POST
def document_new(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    """Open the next document of a kind (or the open draft of it) and go to its page."""
    if kind not in Document.Kind.values:
        raise Http404
    enrollment = _enrollment_to_change(request, pk, what="nytt dokument")
    try:
        document = services.document_start(enrollment=enrollment, kind=kind, by=request.user)
    except NotAllowedNow:
        messages.error(request, "Inskrivningen är avslutad: bara en avslutssammanfattning kan skrivas nu.")
        return redirect("participants:detail", enrollment_pk=enrollment.pk)
    return redirect("participants:document_detail", public_id=document.public_id)


def document_detail(request: AuthenticatedHttpRequest, public_id: Any) -> HttpResponse:
    """The document page: the editor of a draft for those who may write it, else the read-only
    document with its status, deliveries and downloads. POST: save the draft ("Spara utkast"),
    add a sub-goal row, or finalise."""
    if request.method != "POST":
        document = _document(request, public_id, "view", what="dokument")
        return _page(request, document)
    document = _document(request, public_id, "change", what="dokument")
    if not document.is_draft:
        messages.info(request, ALREADY_FINAL)
        return redirect("participants:document_detail", public_id=document.public_id)
    editor = _editor(document, request.POST, request.FILES)
    contacts = selectors.contacts_of(document.enrollment)
    recipients = forms.RecipientsForm(request.POST, contacts=contacts)
    revision = request.POST.get("revision", "")
    if not _valid(editor):
        return _page(
            request,
            document,
            editor=editor,
            recipients=recipients,
            revision=revision,
            notice=INVALID,
            status=400,
            unsaved=True,
        )
    try:
        saved = _save(request, document, editor)
    except StaleEdit:
        return _page(
            request,
            document,
            editor=editor,
            recipients=recipients,
            revision=revision,
            notice=STALE,
            status=409,
            unsaved=True,
        )
    except NotAllowedNow:
        messages.info(request, ALREADY_FINAL)
        return redirect("participants:document_detail", public_id=document.public_id)
    action = request.POST.get("action", "save")
    if action == "add_goal":
        return _page(request, saved, editor=_editor(saved, extra_goal=True), recipients=recipients)
    if action != "finalise":
        messages.success(request, f"Utkastet sparades {timezone.localtime():%H:%M}.")
        return redirect("participants:document_detail", public_id=document.public_id)
    chosen = [c.user for c in recipients.cleaned_data["recipients"]] if recipients.is_valid() else []
    try:
        services.document_finalise(document=saved, by=request.user, expected_revision=saved.revision, recipients=chosen)
    except services.Incomplete as incomplete:
        return _page(
            request,
            saved,
            editor=editor,
            recipients=recipients,
            revision=saved.revision,
            missing=incomplete.missing,
            status=400,
        )
    except NotAllowedNow:
        messages.info(request, ALREADY_FINAL)
        return redirect("participants:document_detail", public_id=document.public_id)
    messages.success(request, f"{saved} är slutförd. PDF:en skapas och mottagarna meddelas när den är klar.")
    return redirect("participants:document_detail", public_id=document.public_id)


@require_POST
def document_autosave(request: AuthenticatedHttpRequest, public_id: Any) -> HttpResponse:
    """Save as you type (htmx): a small status and the new revision, so the next save is accepted.
    A stale or invalid save is not stored; what was typed stays in the browser."""
    document = _document(request, public_id, "change", what="dokument, autospar")
    editor = _editor(document, request.POST, request.FILES)
    context: dict[str, Any] = {"revision": request.POST.get("revision", "")}
    if not _valid(editor):
        errors = [
            f"{form.fields[name].label}: {' '.join(errs)}"
            for form in [editor["form"], *editor["sub_goals"].forms, *editor["planned"].forms]
            for name, errs in form.errors.items()
            if name in form.fields
        ]
        return render(request, SAVED, context | {"problem": INVALID, "errors": errors})
    try:
        saved = _save(request, document, editor)
    except StaleEdit:
        return render(request, SAVED, context | {"problem": STALE})
    except NotAllowedNow:
        return render(request, SAVED, context | {"problem": ALREADY_FINAL})
    return render(request, SAVED, {"revision": saved.revision, "saved_at": timezone.localtime()})


@require_GET
def document_preview(request: AuthenticatedHttpRequest, public_id: Any) -> HttpResponse:
    """The draft as a PDF marked UTKAST, rendered now (the only rendering done in a request)."""
    document = _document(request, public_id, "view", what="förhandsgranskning")
    if not enrolment_selectors.is_staff_for(request.user, document.enrollment):
        raise Http404
    rendered = render_pdf(printing.template_for(document), printing.context_for(document), draft=document.is_draft)
    response = HttpResponse(rendered.content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.reference}-utkast.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def document_pdf(request: AuthenticatedHttpRequest, public_id: Any) -> HttpResponse:
    """The PDF part of the document page, which htmx polls while the PDF is being made (a plain
    request gets the page). It holds the state and the links only, nothing about the person, so a
    poll is not logged as a read: the page that started the polling was."""
    document = get_object_or_404(
        selectors.documents_for(request.user, "view").select_related("enrollment"), public_id=public_id
    )
    if not request.htmx:
        return redirect("participants:document_detail", public_id=document.public_id)
    context = {
        "document": document,
        "staff": enrolment_selectors.is_staff_for(request.user, document.enrollment),
        "download_url": _download_url(document),
        "polls": _polls(document),
        "polled": True,
    }
    response = render(request, f"{DETAIL}#pdf", context)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def document_signed_copy(request: AuthenticatedHttpRequest, public_id: Any) -> FileResponse:
    """The scanned signed plan, for the team's staff only, served after the access check."""
    document = _document(request, public_id, "view", what="underskriven plan")
    if not enrolment_selectors.is_staff_for(request.user, document.enrollment) or not document.signed_copy:
        raise Http404
    try:
        handle = document.signed_copy.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    suffix = PurePosixPath(document.signed_copy.name).suffix.lower()
    response = FileResponse(handle, as_attachment=True, filename=f"{document.reference}-underskriven{suffix}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def document_correct(request: AuthenticatedHttpRequest, public_id: Any) -> HttpResponse:
    """Open a correction (a new version) of a finalised document."""
    document = _document(request, public_id, "change", what="rättelse")
    try:
        correction = services.document_correct(document=document, by=request.user)
    except NotAllowedNow:
        messages.error(request, "Det finns redan ett öppet utkast av det här slaget. Slutför det först.")
        return redirect("participants:document_detail", public_id=document.public_id)
    return redirect("participants:document_detail", public_id=correction.public_id)


@require_POST
def document_share(request: AuthenticatedHttpRequest, public_id: Any) -> HttpResponse:
    """Give a finalised document to more of the participant's contacts."""
    document = _document(request, public_id, "change", what="dela dokument")
    form = forms.RecipientsForm(request.POST, contacts=selectors.contacts_of(document.enrollment))
    if document.is_draft or not form.is_valid() or not form.cleaned_data["recipients"]:
        messages.error(request, "Välj minst en kontakt att dela dokumentet med.")
        return redirect("participants:document_detail", public_id=document.public_id)
    chosen = [c.user for c in form.cleaned_data["recipients"]]
    deliveries = services.document_share(document=document, recipients=chosen, by=request.user)
    left_out = {u.pk for u in chosen} - {d.recipient_id for d in deliveries}
    if deliveries:
        messages.success(request, "Dokumentet delades.")
    if left_out:
        # may_receive: outside the consent, or a person with protected identity (docs/decisions/0019)
        names = ", ".join(u.get_full_name() for u in chosen if u.pk in left_out)
        messages.error(
            request,
            f"Delades inte med {names}: personens samtycke omfattar inte dem, eller så har "
            "personen skyddade personuppgifter.",
        )
    return redirect("participants:document_detail", public_id=document.public_id)


# -- Contacts ---------------------------------------------------------------------------


@require_POST
def contact_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrollment = _enrollment_to_change(request, pk, what="kontakter")
    form = forms.ContactForm(request.POST, people=forms.contact_candidates())
    if form.is_valid():
        services.contact_add(
            enrollment=enrollment, user=form.cleaned_data["user"], role=form.cleaned_data["role"], by=request.user
        )
        messages.success(request, f"{form.cleaned_data['user'].get_full_name()} lades till som kontakt.")
    else:
        messages.error(request, "Kontakten lades inte till: välj en person i listan.")
        # Back to the page with what was typed: the picker shows the matches to choose from (no JS).
        typed = {"user_q": request.POST.get("user_q", ""), "role": request.POST.get("role", "")}
        url = reverse("participants:detail", kwargs={"enrollment_pk": enrollment.pk})
        return redirect(f"{url}?{urlencode(typed)}#parties-heading")
    return redirect(reverse("participants:detail", kwargs={"enrollment_pk": enrollment.pk}) + "#parties-heading")


@require_safe
def contact_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The contact picker's matches (htmx): referrers by name, e-mail or organisation, at most
    ist.pickers.LIMIT. For whoever may change some enrolment (the picker is on its page); 403 otherwise."""
    if not enrolment_selectors.enrollments_for(request.user, "change").exists():
        raise PermissionDenied
    field = cast("PersonField", forms.ContactForm(people=forms.contact_candidates()).fields["user"])
    return search_view(request, field, name="user")


@require_POST
def contact_remove(request: AuthenticatedHttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    enrollment = _enrollment_to_change(request, pk, what="kontakter")
    contact = selectors.contacts_of(enrollment).filter(pk=contact_pk).first()
    if contact is not None:  # already removed (double click): nothing to do
        record_access(request, [contact], what="kontakt borttagen")
        services.contact_remove(contact=contact, by=request.user)
        messages.success(
            request, f"{contact.user.get_full_name()} är inte längre kontakt; dokumenten har dragits tillbaka."
        )
    return redirect(reverse("participants:detail", kwargs={"enrollment_pk": enrollment.pk}) + "#parties-heading")


urlpatterns = [
    path("<int:pk>/dokument/ny/<str:kind>/", document_new, name="document_new"),
    path("<int:pk>/kontakter/", contact_add, name="contact_add"),
    path("kontakter/sok/", contact_search, name="contact_search"),
    path("<int:pk>/kontakter/<int:contact_pk>/ta-bort/", contact_remove, name="contact_remove"),
    path("dokument/<uuid:public_id>/", document_detail, name="document_detail"),
    path("dokument/<uuid:public_id>/autospara/", document_autosave, name="document_autosave"),
    path("dokument/<uuid:public_id>/forhandsgranska.pdf", document_preview, name="document_preview"),
    path("dokument/<uuid:public_id>/underskriven/", document_signed_copy, name="document_signed_copy"),
    path("dokument/<uuid:public_id>/pdf-status/", document_pdf, name="document_pdf"),
    path("dokument/<uuid:public_id>/ratta/", document_correct, name="document_correct"),
    path("dokument/<uuid:public_id>/dela/", document_share, name="document_share"),
]
