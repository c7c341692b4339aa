"""The referrer's (inremittent's) side: write and send a referral, follow it, ask a consultative question.

Who may do what here:
- write a referral (`new`, `edit`): users marked as referrers (`is_referrer`), and only their own
  referral while it is a draft or sent back for more information;
- read a referral (`detail`): whoever `selectors.referrals_for(user, "view")` lets see it;
- ask a consultative question (`question_new`): referrers, anyone attached to a partner organisation,
  and IST staff (any team role) — the samverkansteam answers questions from all partners;
- `mine`, `questions`: any signed-in user; the lists hold only what they sent or asked.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ist import personnummer
from ist.audit.recording import get_visible_or_404, record_access
from ist.errors import NotAllowedNow, StaleEdit
from ist.http import AuthenticatedHttpRequest
from ist.privacy import identity
from ist.stale import STALE_MESSAGE
from ist.web import form_token
from referrals import lifecycle, rules, selectors, services
from referrals.forms import QuestionForm, ReferralForm
from referrals.lifecycle_forms import MineFilterForm
from referrals.models import Referral, ReferralEvent, new_form_token
from teams.access import roles_of, team_ids_where

if TYPE_CHECKING:
    from django.http import HttpResponse

    from teams.models import User

PAGE_SIZE = 25
RECENT_QUESTIONS = 5
FORM = "referrals/referrer/form.html"
SUBMIT = "submit"


# -- Helpers ----------------------------------------------------------------------------


def _require_referrer(user: User) -> None:
    if not user.is_referrer:
        raise PermissionDenied("Bara inremittenter kan skriva remisser.")


def _may_ask(user: User) -> bool:
    return bool(user.is_referrer or user.organisation_id or roles_of(user))


def _page(request: AuthenticatedHttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("sida"))


def _age_outside(number: str, today: date) -> int | None:
    """The person's age when the personnummer puts them outside the target group (16–64), else None."""
    age = rules.age_of(Referral(personnummer=number), today)
    return age if age is not None and not rules.MIN_AGE <= age <= rules.MAX_AGE else None


def _age_from_form(form: ReferralForm) -> int | None:
    return _age_outside(getattr(form, "cleaned_data", {}).get("personnummer", ""), timezone.localdate())


def _sent_back_message(referral: Referral) -> str | None:
    """What the team asked for when it sent the referral back (a request, or a 'more information' decision)."""
    if referral.status != Referral.Status.NEEDS_INFO:
        return None
    kinds = [ReferralEvent.Kind.INFO_REQUESTED, ReferralEvent.Kind.DECIDED]
    last = selectors.events_of(referral, for_referrer=True).filter(kind__in=kinds).last()
    if last is None:
        return referral.decision_reason
    return last.message if last.kind == ReferralEvent.Kind.INFO_REQUESTED else referral.decision_reason


def _saved(referral: Referral, name: str) -> Any:
    """The saved value as the referrer's form shows it: for the protected flag, their own tick."""
    return referral.protected_identity_by_author if name == "protected_identity" else getattr(referral, name)


def _display(referral: Referral, name: str) -> str:
    value = _saved(referral, name)
    if name == "personnummer":
        return personnummer.formatted(value) if value else "–"
    if name == "authorities_involved":
        labels = dict(Referral._meta.get_field("support_authority").choices or [])
        return ", ".join(str(labels.get(v, v)) for v in value) or "–"
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    if getattr(Referral._meta.get_field(name), "choices", None):
        return str(getattr(referral, f"get_{name}_display")()) or "–"
    return str(value) if value not in (None, "") else "–"


def _differences(form: ReferralForm, saved: Referral) -> list[tuple[str, str]]:
    """(label, saved value) for every field where what the user typed differs from the saved version."""
    return [
        (str(form[name].label), _display(saved, name))
        for name in form.Meta.fields
        if name in form.cleaned_data and form.cleaned_data[name] != _saved(saved, name)
    ]


def _render_form(
    request: AuthenticatedHttpRequest, form: ReferralForm, *, status: int = 200, **context: Any
) -> HttpResponse:
    form.fields["personnummer"].widget.attrs.update(
        {
            "hx-get": reverse("referrals:new"),
            "hx-trigger": "change",
            "hx-target": "#age-hint",
            "aria-describedby": "id_personnummer_helptext age-hint",
        }
    )
    context.setdefault("referral", None)
    context.setdefault("age", _age_from_form(form) if form.is_bound else None)
    return render(request, FORM, {"form": form, **context}, status=status)


# -- Referrals ---------------------------------------------------------------------------


@require_GET
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mina remisser: what the user sent or drafted (filtered by status, searched by name), and the
    latest questions they asked. An enrolled referral links to the participant page within the consent."""
    user = request.user
    form = MineFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    referrals = selectors.own_referrals(user).select_related("enrollment")
    if filters.get("status"):
        referrals = referrals.filter(status=filters["status"])
    words = (filters.get("namn") or "").split()
    if words:
        # A protected person is never found by name, whoever wrote the name (ist/privacy/identity.py).
        referrals = referrals.filter(protected_identity=False)
    for word in words:
        referrals = referrals.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    page = _page(request, referrals)
    rows = [(referral, _participant_url(referral, user)) for referral in page.object_list]
    questions = list(selectors.questions_for(user).filter(asked_by=user)[:RECENT_QUESTIONS])
    record_access(request, page.object_list, what="Mina remisser")
    record_access(request, questions, what="Mina frågor")
    query = request.GET.copy()
    query.pop("sida", None)
    context = {
        "page": page,
        "rows": rows,
        "questions": questions,
        "form": form,
        "query": query.urlencode(),
        "filtered": bool(filters.get("status") or words),
    }
    return render(request, "referrals/referrer/mine.html", context)


def _participant_url(referral: Referral, user: User) -> str:
    """The participant page of the stay behind an enrolled referral, within the consent (the rule of
    referrals.lifecycle.stay_of on the referral page; the participant page applies its own). No
    query: the enrolment comes with the list."""
    if referral.status not in (Referral.Status.ENROLLED, Referral.Status.CLOSED):
        return ""
    enrollment = getattr(referral, "enrollment", None)
    if enrollment is None or not referral.consent_covers(user):
        return ""
    return reverse("participants:detail", args=[enrollment.pk])


@require_http_methods(["GET", "POST"])
def new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Write a referral: save a draft (gaps allowed) or send it (complete, with consent)."""
    _require_referrer(request.user)
    if request.htmx and request.method == "GET":  # the age check beside the personnummer field
        field = ReferralForm.base_fields["personnummer"]
        try:
            age = _age_outside(field.clean(request.GET.get("personnummer", "")), timezone.localdate())
        except ValidationError:  # an invalid number is reported beside the field when the form is saved
            age = None
        return render(request, "referrals/_fieldsets.html#age_hint", {"age": age})
    if request.method != "POST":
        return _render_form(request, ReferralForm(), form_token=new_form_token())
    token = form_token(request)
    if not request.POST.get("referral", "").isdigit():
        made = selectors.own_referrals(request.user).filter(form_token=token).first()
        # An autosave made the draft and the button was faster than its answer. (A referral already
        # sent with this token is a double click on "Skicka": handled below, as before.)
        if made is not None and made.is_open_for_referrer:
            post = request.POST.copy()
            post.update({"referral": str(made.pk), "version": str(made.version)})
            request.POST = post  # type: ignore[assignment]  # Django allows it; the stubs type POST immutable
    if request.POST.get("referral", "").isdigit():  # autosave already made the draft: save that one
        return edit(request, int(request.POST["referral"]))
    form = ReferralForm(request.POST)
    if not form.is_valid():
        return _render_form(request, form, form_token=token)
    saved = services.referral_save_draft(referrer=request.user, values=form.service_values(), form_token=token)
    return _after_save(request, form, {"referral": saved.referral})


AUTOSAVED = "referrals/referrer/_autosaved.html"
AUTOSAVE_INVALID = (
    "Utkastet kunde inte sparas automatiskt just nu. Det du skrivit finns kvar; "
    "tryck Spara utkast så ser du vad som behöver rättas."
)
AUTOSAVE_STALE = "Utkastet har ändrats på annat håll (en annan flik?). Tryck Spara utkast för att se skillnaderna."
AUTOSAVE_SENT = "Remissen är redan skickad; ändringar sparas inte här."


@require_http_methods(["POST"])
def autosave(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Save the referral as a draft while the referrer types (htmx), like the document editor: a
    long referral is never lost to a closed tab or an ended session. The first save of a new form
    creates the draft once (its form token); the answer carries the draft's id and version, so
    later saves, and the form's own buttons, update that draft. An invalid or stale save stores
    nothing and says so; what was typed stays in the browser."""
    _require_referrer(request.user)
    referral = None
    if request.POST.get("referral", "").isdigit():
        scope = selectors.referrals_for(request.user).filter(referrer=request.user)
        referral = get_visible_or_404(request, scope, what="remiss, autospar", pk=int(request.POST["referral"]))
    context: dict[str, Any] = {"referral": referral, "version": request.POST.get("version", "")}
    form = ReferralForm(request.POST, instance=referral) if referral else ReferralForm(request.POST)
    if not form.is_valid():
        return render(request, AUTOSAVED, context | {"problem": AUTOSAVE_INVALID})
    try:
        saved = services.referral_save_draft(
            referrer=request.user,
            values=form.service_values(),
            referral=referral,
            expected_version=form.cleaned_data["version"] if referral else None,
            form_token=None if referral else form_token(request),
        )
    except StaleEdit:
        return render(request, AUTOSAVED, context | {"problem": AUTOSAVE_STALE})
    except NotAllowedNow:
        return render(request, AUTOSAVED, context | {"problem": AUTOSAVE_SENT})
    context = {"referral": saved.referral, "version": saved.referral.version, "saved_at": timezone.localtime()}
    return render(request, AUTOSAVED, context)


@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change one's own draft, or complete a referral the team sent back, and send it (again)."""
    scope = selectors.referrals_for(request.user).filter(referrer=request.user)
    referral = get_visible_or_404(request, scope, what="remiss", pk=pk)
    if not referral.is_open_for_referrer:
        raise PermissionDenied("Remissen är skickad och kan inte ändras.")
    context: dict[str, Any] = {"referral": referral, "sent_back": _sent_back_message(referral)}
    if request.method != "POST":
        age = _age_outside(referral.personnummer, timezone.localdate())
        return _render_form(request, ReferralForm(instance=referral), version=referral.version, age=age, **context)
    form = ReferralForm(request.POST, instance=referral)
    if not form.is_valid():
        return _render_form(request, form, version=request.POST.get("version"), **context)
    try:
        saved = services.referral_save_draft(
            referrer=request.user,
            values=form.service_values(),
            referral=referral,
            expected_version=form.cleaned_data["version"],
        )
    except StaleEdit:
        current = scope.get(pk=pk)
        context.update(version=current.version, stale=STALE_MESSAGE, diff=_differences(form, current))
        return _render_form(request, form, status=409, **context)
    except NotAllowedNow as exc:
        raise PermissionDenied("Remissen är skickad och kan inte ändras.") from exc
    return _after_save(request, form, {**context, "referral": saved.referral})


def _after_save(request: AuthenticatedHttpRequest, form: ReferralForm, context: dict[str, Any]) -> HttpResponse:
    """Saved: stop there (draft), or send it; an incomplete referral comes back with every gap marked."""
    referral = context["referral"]
    if request.POST.get("action") != SUBMIT:
        if referral.status == Referral.Status.DRAFT:
            messages.success(request, "Utkastet är sparat. Du kan fortsätta senare under Mina remisser.")
        else:
            messages.success(request, "Ändringarna är sparade. Skicka remissen igen när den är komplett.")
        return redirect("referrals:edit", referral.pk)
    try:
        services.referral_submit(referral=referral, by=request.user)
    except services.IncompleteReferral as exc:
        form.add_missing(exc.missing)
        context.update(version=referral.version, incomplete=True)
        return _render_form(request, form, **context)
    messages.success(request, "Remissen är skickad. Teamet svarar normalt inom två veckor.")
    return redirect("referrals:detail", referral.pk)


@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A referral as its reader may see it: the form's content, status, decision, meetings, timeline."""
    referral = get_visible_or_404(request, selectors.referrals_for(request.user, "view"), what="remiss", pk=pk)
    is_referrer = referral.referrer_id == request.user.pk
    can_manage = referral.team_id is not None and referral.team_id in team_ids_where(request.user, action="manage")
    handles = Referral.objects.filter(
        Q(enrollment__responsible=request.user) | Q(enrollment__second_contact=request.user), pk=referral.pk
    )
    may_change_consent = (can_manage and referral.status != Referral.Status.DRAFT) or handles.exists()
    info_meetings = list(selectors.information_meetings_of(referral))
    today = timezone.localdate()
    context = {
        "referral": referral,
        "identity": identity.sees_identity(request.user, referral),
        "may_withdraw": is_referrer and referral.status in lifecycle.WITHDRAWABLE,
        "decision": lifecycle.decision_box(referral),
        "stay": lifecycle.stay_of(referral, request.user),
        # Invited only while the meeting is ahead and the referral waits for it (not once enrolled).
        "invited": referral.status == Referral.Status.ACCEPTED
        and any(not m.outcome and m.date >= today for m in info_meetings),
        "consent_url": reverse("participants:consent", args=[referral.pk]) if may_change_consent else "",
        "is_referrer": is_referrer,
        "can_edit": is_referrer and referral.is_open_for_referrer,
        "can_manage": can_manage,
        "sent_back": _sent_back_message(referral),
        "age": _age_outside(referral.personnummer, timezone.localdate()),
        "personnummer": _display(referral, "personnummer"),
        "authorities": _display(referral, "authorities_involved"),
        "info_meetings": info_meetings,
        "events": selectors.events_of(referral, for_referrer=is_referrer),
    }
    return render(request, "referrals/referrer/detail.html", context)


# -- Consultative questions --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def question_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask a samverkansteam a consultative question, with or without naming the person."""
    if not _may_ask(request.user):
        raise PermissionDenied("Konsultativa frågor ställs av partnernas handläggare och IST:s personal.")
    if request.method != "POST":
        context = {"form": QuestionForm(), "form_token": new_form_token()}
        return render(request, "referrals/referrer/question_form.html", context)
    form, token = QuestionForm(request.POST), form_token(request)
    if not form.is_valid():
        return render(request, "referrals/referrer/question_form.html", {"form": form, "form_token": token})
    question = services.question_ask(asked_by=request.user, form_token=token, **form.cleaned_data)
    messages.success(request, f"Frågan är skickad till {question.team}.")
    return redirect("referrals:question", question.pk)


@require_GET
def question(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scope = selectors.questions_for(request.user)
    item = get_visible_or_404(request, scope, what="konsultativ fråga", pk=pk)
    context = {"question": item, "personnummer": personnummer.formatted(item.personnummer)}
    return render(request, "referrals/referrer/question.html", context)


@require_GET
def questions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mina frågor: the consultative questions the user asked."""
    page = _page(request, selectors.questions_for(request.user).filter(asked_by=request.user))
    record_access(request, page.object_list, what="Mina frågor")
    return render(request, "referrals/referrer/questions.html", {"page": page})


urlpatterns = [
    path("mina/", mine, name="mine"),
    path("ny/", new, name="new"),
    path("autospar/", autosave, name="autosave"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/andra/", edit, name="edit"),
    path("fragor/", questions, name="questions"),
    path("fragor/ny/", question_new, name="question_new"),
    path("fragor/<int:pk>/", question, name="question"),
]
