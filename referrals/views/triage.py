"""The teamkoordinator's triage: the board of waiting referrals and questions, registering a referral
that came on paper or by e-mail, and the review workspace of one referral (correct it, move it to
another team, ask the referrer for more, put it on a samverkansteam meeting's agenda).

Who may do what here: only coordinators (team role "koordinator"; the manage scope). Anyone else gets
the 403 page on the board and the register form. A referral the user may see but not manage (a
handledare of the team, a samverkansteam member, the referrer) is a 403 on the review page and its
actions; one they may not see at all is a 404, and the attempt is logged.
"""

from __future__ import annotations

from copy import copy  # a ModelForm writes into its instance: give it a copy, the page shows what is saved
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from ist import offers, personnummer
from ist.audit.recording import get_allowed_or_403, record_access
from ist.errors import StaleEdit
from ist.http import AuthenticatedHttpRequest
from ist.stale import STALE_MESSAGE, rebind
from ist.uploads import FILE_LOST_MESSAGE
from ist.web import form_token, render_page_or_partial
from referrals import deadline as clock
from referrals import letters, rules, selectors, services
from referrals.deadline import Clock
from referrals.forms import AgendaAddForm, RegisterReferralForm, RequestInfoForm, TeamEditForm
from referrals.models import ConsultativeQuestion, Referral, new_form_token
from referrals.person_history import EMPTY, normalised, person_history, record_history, with_history
from teams.access import team_ids_where, teams_where
from teams.models import Organisation

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpResponse, HttpResponseBase

    from referrals.models import TeamMeeting
    from teams.models import Team, User

PAGE_SIZE = 25
QUESTIONS_SHOWN = 50
BOARD = "referrals/triage/board.html"
REVIEW = "referrals/triage/review.html"
REGISTER = "referrals/triage/register.html"


# -- Helpers ----------------------------------------------------------------------------


def _managed_teams(user: User) -> list[Team]:
    """The coordinator's teams; 403 for everyone else (administrators without a team role too)."""
    teams = list(teams_where(user, action="manage"))
    if not teams:
        raise PermissionDenied("Bara teamkoordinatorer sorterar inkomna remisser.")
    return teams


def _managed_referral(request: AuthenticatedHttpRequest, pk: int, what: str) -> Referral:
    """The referral if the user manages it (read logged); 403 if they may only see it; 404 (attempt logged)."""
    return get_allowed_or_403(
        request,
        selectors.referrals_for(request.user, "manage"),
        selectors.referrals_for(request.user),
        what=what,
        refusal="Bara teamets koordinator granskar remissen.",
        pk=pk,
    )


def _managed_question(request: AuthenticatedHttpRequest, pk: int, what: str) -> ConsultativeQuestion:
    visible = selectors.questions_for(request.user)
    return get_allowed_or_403(
        request,
        visible.filter(team__in=team_ids_where(request.user, action="manage")),
        visible,
        what=what,
        refusal="Bara teamets koordinator sätter frågor på dagordningen.",
        pk=pk,
    )


def _upcoming_meetings(user: User, team_id: int | None = None) -> QuerySet[TeamMeeting]:
    meetings = selectors.meetings_for(user, "manage").filter(date__gte=timezone.localdate())
    if team_id is not None:
        meetings = meetings.filter(team_id=team_id)
    return meetings.order_by("date", "start_time")


def _days(n: int) -> str:
    return f"{n} dag" if n == 1 else f"{n} dagar"


def deadline_of(referral: Referral, today: date) -> Clock:
    """The answer clock as text and state: day X of N and days left, paused for a komplettering, or overdue."""
    return clock.of(referral, today)


@dataclass(frozen=True)
class BoardRow:
    referral: Referral
    waited: str
    deadline: Clock
    missing: list[str]
    hints: list[rules.Hint]
    known: bool = False  # the person has another referral or a stay (referrals/person_history.py)


def _missing_labels(referral: Referral) -> list[str]:
    missing = rules.missing_for_submit(referral, registered=referral.channel != Referral.Channel.WEB)
    return [str(getattr(Referral._meta.get_field(name), "verbose_name", name)) for name in missing]


def board_row(referral: Referral, today: date, *, known: bool = False) -> BoardRow:
    waited = _days((today - referral.received_on).days) if referral.received_on else "–"
    return BoardRow(
        referral,
        waited,
        deadline_of(referral, today),
        _missing_labels(referral),
        rules.target_group_hints(referral, today),
        known,
    )


class TeamFilterForm(forms.Form):
    team = forms.TypedMultipleChoiceField(
        label="Visa team", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, teams: list[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["team"]).choices = [(team.pk, team.name) for team in teams]


# -- The board --------------------------------------------------------------------------


@require_safe
def board(request: AuthenticatedHttpRequest) -> HttpResponse:
    """New referrals and questions of the coordinator's teams, oldest deadline first. htmx: the board partial."""
    form = TeamFilterForm(request.GET or None, teams=_managed_teams(request.user))
    team_ids = (form.cleaned_data["team"] or None) if form.is_valid() else None
    today = timezone.localdate()
    page = Paginator(selectors.triage_board(request.user, team_ids=team_ids), PAGE_SIZE).get_page(
        request.GET.get("sida")
    )
    questions = list(selectors.waiting_questions(request.user, team_ids=team_ids)[:QUESTIONS_SHOWN])
    record_access(request, [*page.object_list, *questions], what="triage")
    known = with_history(r.personnummer for r in page.object_list)  # one query for the page's marks
    meetings = list(_upcoming_meetings(request.user))
    query = request.GET.copy()
    query.pop("sida", None)
    context = {
        "form": form,
        "page": page,
        "rows": [board_row(r, today, known=r.personnummer in known) for r in page.object_list],
        "questions": [(q, [m for m in meetings if m.team_id == q.team_id]) for q in questions],
        "questions_cut": len(questions) == QUESTIONS_SHOWN,
        "query": query.urlencode(),
    }
    return render_page_or_partial(request, BOARD, "board", context)


@require_POST
def question_agenda_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    question = _managed_question(request, pk, what="dagordning")
    form = AgendaAddForm(request.POST, meetings=_upcoming_meetings(request.user, question.team_id))
    if form.is_valid():
        meeting = form.cleaned_data["meeting"]
        if services.agenda_add(meeting=meeting, by=request.user, question=question):
            messages.success(request, f"Fråga {question.pk} står nu på dagordningen för mötet {meeting}.")
        else:
            messages.info(request, f"Fråga {question.pk} stod redan på dagordningen för mötet {meeting}.")
    else:
        messages.error(request, f"Välj ett kommande möte för fråga {question.pk}.")
    return redirect("referrals:triage")


# -- Registering a referral that came another way ----------------------------------------


def register(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A referral on paper or by e-mail (with its scan), or after an information meeting without one.

    htmx GET with ?personnummer=: the person's earlier referrals and stays, and the contact details
    of the newest one offered (docs/decisions/0031). A POST from "Använd" or "Visa tidigare
    uppgifter" (ist/offers.py) shows the form again as typed and saves nothing."""
    teams = _managed_teams(request.user)
    if request.htmx and request.method == "GET" and "personnummer" in request.GET:
        return _known_person(request, request.GET["personnummer"])
    initial = {"received_on": timezone.localdate(), "team": teams[0] if len(teams) == 1 else None}
    managed = teams_where(request.user, action="manage")
    form = RegisterReferralForm(request.POST or None, request.FILES or None, teams=managed, initial=initial)
    token = form_token(request) if request.method == "POST" else new_form_token()
    typed = request.POST.get("personnummer", "")
    history = None
    if request.method == "POST" and offers.asked(request.POST):
        history = person_history(request.user, typed)
        offered = history.offer.values() if history.offer else {}
        posted = offers.used(request.POST, offered)
        form = offers.unchecked(RegisterReferralForm(posted, request.FILES or None, teams=managed, initial=initial))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.referral_register(
                by=request.user,
                team=data["team"],
                values=form.service_values(),
                channel=data["channel"],
                received_on=data["received_on"],
                form_token=token,
            )
        except services.IncompleteReferral as exc:
            form.add_missing(exc.missing)
        else:
            messages.success(
                request, "Remissen är registrerad." if saved.created else "Remissen var redan registrerad."
            )
            return redirect("referrals:review", pk=saved.referral.pk)
    if history is None:  # shown again after a failed submit: the history too; a new form has none yet
        history = person_history(request.user, typed) if request.method == "POST" else EMPTY
    record_history(request, history, typed)
    _lookup_on_change(form)
    file_lost = request.method == "POST" and bool(request.FILES.get("attachment"))
    context = {
        "form": form,
        "form_token": token,
        "file_lost_message": FILE_LOST_MESSAGE if file_lost else "",
        "history": history,
        "looked_up": bool(normalised(typed)),
    }
    return render(request, REGISTER, context)


def _lookup_on_change(form: RegisterReferralForm) -> None:
    """The personnummer field asks for the person's history when it changes (leaving the field)."""
    form.fields["personnummer"].widget.attrs.update(
        {
            "hx-get": reverse("referrals:register"),
            "hx-trigger": "change",
            "hx-target": "#known-person",
            "aria-describedby": "id_personnummer_helptext known-person",
        }
    )


def _known_person(request: AuthenticatedHttpRequest, typed: str) -> HttpResponse:
    history = person_history(request.user, typed)
    record_history(request, history, typed)
    context = {"history": history, "looked_up": bool(normalised(typed))}
    return render(request, "referrals/_fieldsets.html#known_person", context)


# -- Reviewing one referral -------------------------------------------------------------


def _actions_context(
    request: AuthenticatedHttpRequest,
    referral: Referral,
    *,
    info_form: RequestInfoForm | None = None,
    agenda_form: AgendaAddForm | None = None,
    notice: str = "",
) -> dict[str, Any]:
    return {
        "referral": referral,
        "may_add_to_agenda": referral.status in selectors.WAITING,
        "may_request_info": referral.status in {Referral.Status.SUBMITTED, Referral.Status.ON_AGENDA},
        "info_form": info_form or RequestInfoForm(),
        "agenda_form": agenda_form or AgendaAddForm(meetings=_upcoming_meetings(request.user, referral.team_id)),
        "notice": notice,
    }


def _render_review(
    request: AuthenticatedHttpRequest,
    referral: Referral,
    *,
    edit_form: TeamEditForm | None = None,
    status: int = 200,
    **actions: Any,
) -> HttpResponse:
    """The whole workspace; htmx requests (the actions' forms) get the actions partial only."""
    context = _actions_context(request, referral, **actions)
    if not request.htmx:
        today = timezone.localdate()
        managed = teams_where(request.user, action="manage")
        prefetch_related_objects([referral], "information_meetings__attendees")  # for the panel included
        history = person_history(request.user, referral.personnummer, exclude_referral=referral.pk)
        record_history(request, history, referral.personnummer)
        edit_form = edit_form or TeamEditForm(instance=copy(referral), teams=managed)
        # The correction form has phone and e-mail: offered from an earlier referral, never copied (0031).
        current = {name: str(edit_form[name].value() or "") for name in ("phone", "email")}
        kinds = dict(Organisation.Kind.choices)
        context |= {
            "letters": list(letters.letters_of(referral)),
            "deadline": deadline_of(referral, today),
            "hints": rules.target_group_hints(referral, today),
            "missing": rules.missing_for_submit(referral, registered=referral.channel != Referral.Channel.WEB),
            "history": history,
            "events": selectors.events_of(referral, for_referrer=False),
            "personnummer": personnummer.formatted(referral.personnummer),
            "authorities": [kinds.get(k, k) for k in referral.authorities_involved or []],
            "edit_form": edit_form,
            "offer": history.offer.besides(current) if history.offer else None,
        }
    return render_page_or_partial(request, REVIEW, "actions", context, status=status)


def review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the workspace. POST: correct the details or move the referral to another of the coordinator's teams."""
    referral = _managed_referral(request, pk, what="granskning")
    if request.method != "POST":
        return _render_review(request, referral)
    teams = teams_where(request.user, action="manage")
    form = TeamEditForm(request.POST, instance=copy(referral), teams=teams)
    if offers.asked(request.POST):  # "Använd" without JavaScript: the form again, that field filled
        history = person_history(request.user, referral.personnummer, exclude_referral=referral.pk)
        offered = history.offer.values() if history.offer else {}
        posted = offers.used(request.POST, offered)
        return _render_review(
            request, referral, edit_form=offers.unchecked(TeamEditForm(posted, instance=copy(referral), teams=teams))
        )
    if not form.is_valid():
        return _render_review(request, referral, edit_form=form)
    try:
        services.referral_update_by_team(
            referral=referral,
            by=request.user,
            values=form.service_values(),
            expected_version=form.cleaned_data["version"],
        )
    except StaleEdit:
        saved = selectors.referrals_for(request.user, "manage").filter(pk=pk).first()
        if saved is None:  # the colleague moved it to a team this user does not coordinate
            raise Http404 from None
        messages.error(request, STALE_MESSAGE)
        form = rebind(TeamEditForm, request, version=saved.version, note=False, instance=copy(saved), teams=teams)
        return _render_review(request, saved, edit_form=form, status=409)
    messages.success(request, "Ändringarna är sparade.")
    return redirect("referrals:review", pk=pk)


@require_POST
def request_info(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Send the referral back to the referrer with what the team needs. A second POST changes nothing."""
    referral = _managed_referral(request, pk, what="komplettering")
    form = RequestInfoForm(request.POST)
    if not form.is_valid():
        return _render_review(request, referral, info_form=form)
    if services.referral_request_info(referral=referral, by=request.user, message=form.cleaned_data["message"]):
        notice = "Kompletteringen är begärd. Inremittenten får ett e-postmeddelande om det."
    else:
        notice = f"Inget ändrades: remissen har status {referral.get_status_display().lower()}."
    return _after_action(request, referral, notice)


@require_POST
def agenda_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Put the referral on an upcoming meeting of its team. Idempotent."""
    referral = _managed_referral(request, pk, what="dagordning")
    form = AgendaAddForm(request.POST, meetings=_upcoming_meetings(request.user, referral.team_id))
    if not form.is_valid():
        return _render_review(request, referral, agenda_form=form)
    meeting = form.cleaned_data["meeting"]
    if services.agenda_add(meeting=meeting, by=request.user, referral=referral):
        notice = f"Remissen står nu på dagordningen för mötet {meeting}."
    else:
        notice = f"Remissen stod redan på dagordningen för mötet {meeting}."
    return _after_action(request, referral, notice)


def _after_action(request: AuthenticatedHttpRequest, referral: Referral, notice: str) -> HttpResponse:
    """htmx: the actions partial with the new status; otherwise back to the page (POST, redirect, GET)."""
    if not request.htmx:
        messages.success(request, notice)
        return redirect("referrals:review", pk=referral.pk)
    referral.refresh_from_db()
    return _render_review(request, referral, notice=notice)


@require_safe
def attachment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The scanned referral, as a download only (never rendered inline), to those who manage the referral."""
    referral = _managed_referral(request, pk, what="bilaga")
    if not referral.attachment:
        raise Http404
    try:
        handle = referral.attachment.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    suffix = PurePosixPath(referral.attachment.name).suffix.lower()
    response = FileResponse(handle, as_attachment=True, filename=f"remiss-{referral.pk}{suffix}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("inkommande/", board, name="triage"),
    path("registrera/", register, name="register"),
    path("<int:pk>/granska/", review, name="review"),
    path("<int:pk>/komplettering/", request_info, name="request_info"),
    path("<int:pk>/dagordning/", agenda_add, name="agenda_add"),
    path("<int:pk>/bilaga/", attachment, name="attachment"),
    path("fragor/<int:pk>/dagordning/", question_agenda_add, name="question_agenda_add"),
]
