"""Letters (beslutsbrev, kallelse) and calendar invites of meetings (docs/decisions/0032).

A letter is the coordinators' to download, print or send, and mark as sent; to everyone else it
does not exist (404). A calendar invite carries no personal data: whoever sees the meeting may
download it.
"""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_safe

from ist.audit.recording import get_visible_or_404, record_access
from ist.calendar_invite import CONTENT_TYPE, Invite, ics
from ist.errors import NotAllowedNow
from ist.http import AuthenticatedHttpRequest
from ist.pdf.storage import read_verified
from referrals import emails, letters, selectors
from referrals.models import Letter

PAGE = "referrals/letters/letter.html"


class SentForm(forms.Form):
    how = forms.ChoiceField(label="Hur skickades brevet?", choices=Letter.SentHow.choices, widget=forms.RadioSelect)


def _page(request: AuthenticatedHttpRequest, letter: Letter, form: SentForm, status: int = 200) -> HttpResponse:
    return render(request, PAGE, {"letter": letter, "referral": letter.referral, "form": form}, status=status)


def letter_detail(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    """The letter: its state, the download, and "sent" (how, by whom, when) once recorded."""
    letter = get_visible_or_404(request, letters.letters_for(request.user), what="brev", public_id=public_id)
    form = SentForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return _page(request, letter, form)
        try:
            if letters.letter_mark_sent(letter=letter, how=form.cleaned_data["how"], by=request.user):
                messages.success(request, "Brevet är markerat som skickat.")
            else:
                messages.info(request, "Brevet var redan markerat som skickat; inget har ändrats.")
        except NotAllowedNow:
            messages.error(request, "Brevet skapas fortfarande. Markera det som skickat när du har skrivit ut det.")
            return _page(request, letter, form, status=409)
        return redirect("referrals:letter", public_id=letter.public_id)
    return _page(request, letter, form)


@require_safe
def letter_pdf(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponseBase:
    """The stored PDF, served only if it is the one recorded (ist/pdf/storage.py, 0009)."""
    letter = get_visible_or_404(request, letters.letters_for(request.user), what="brev, pdf", public_id=public_id)
    if letter.status != Letter.Status.READY:
        response = render(request, "referrals/letters/pending.html", {"letter": letter}, status=409)
        response["Cache-Control"] = "no-store, private"
        return response
    content = read_verified(letter.pdf, letter.sha256)
    if content is None:
        record_access(request, [letter], what="brev", outcome="tampered")
        return render(request, "referrals/letters/tampered.html", status=500)
    download = FileResponse(
        io.BytesIO(content), content_type="application/pdf", as_attachment=True, filename=letter.filename
    )
    download["Cache-Control"] = "no-store, private"
    return download


def _calendar(invite: Invite) -> HttpResponse:
    response = HttpResponse(ics(invite), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{invite.filename}"'
    response["Cache-Control"] = "no-store, private"
    return response


@require_safe
def info_meeting_calendar(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = get_visible_or_404(
        request, selectors.information_meetings_for(request.user), what="informationsmöte, kalender", pk=pk
    )
    return _calendar(emails.info_meeting_invite(meeting))


@require_safe
def meeting_calendar(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = get_visible_or_404(request, selectors.meetings_for(request.user, "consult"), what="möte, kalender", pk=pk)
    return _calendar(emails.team_meeting_invite(meeting))


urlpatterns = [
    path("brev/<uuid:public_id>/", letter_detail, name="letter"),
    path("brev/<uuid:public_id>/pdf/", letter_pdf, name="letter_pdf"),
    path("informationsmote/<int:pk>/kalender.ics", info_meeting_calendar, name="info_meeting_calendar"),
    path("moten/<int:pk>/kalender.ics", meeting_calendar, name="meeting_calendar"),
]
