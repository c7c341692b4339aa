"""'Att göra': the inbox of open reminders, the count in the header, snooze, mark done, e-mail choices.

Everyone signed in has an inbox; each user sees and changes their own items only (404 for another's).
Items carry initials and numbers, no other personal data; the pages they link to check access and
log reads themselves.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from ist.http import AuthenticatedHttpRequest
from ist.reminders import selectors
from ist.reminders.forms import PreferencesForm, SnoozeForm
from ist.reminders.models import EmailTiming, Kind, Notification, NotificationPreference
from teams.access import roles_of
from teams.models import Membership

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

PAGE_SIZE = 25
State = Notification.State


@require_safe
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    show_snoozed = request.GET.get("visa") == "pausade"
    items = (selectors.snoozed_items if show_snoozed else selectors.open_items)(request.user, today)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("sida"))
    context = {
        "page": page,
        "rows": list(page.object_list),
        "today": today,
        "show_snoozed": show_snoozed,
        "snoozed_count": selectors.snoozed_items(request.user, today).count(),
        "snooze_form": SnoozeForm(),
        "query": "visa=pausade" if show_snoozed else "",
    }
    return render(request, "reminders/inbox.html", context)


@require_safe
@login_not_required
def count(request: HttpRequest) -> HttpResponse:
    """The header link's text with the number of open items (loaded by htmx after the page).

    Open to anyone so that a session that ended meanwhile gets the plain text, not a redirect whose
    login page htmx would put inside the link."""
    if not request.user.is_authenticated:
        return render(request, "reminders/_count.html", {"count": 0})
    number = selectors.open_items(request.user, timezone.localdate()).count()
    return render(request, "reminders/_count.html", {"count": number})


def _own(request: AuthenticatedHttpRequest, pk: int) -> Notification:
    item = selectors.own_item(request.user, pk).first()
    if item is None:
        raise Http404("Ingen sådan påminnelse.")
    return item


@require_POST
def snooze(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _own(request, pk)
    form = SnoozeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Välj hur länge påminnelsen ska pausas. Inget har ändrats.")
    elif item.state != State.OPEN:
        messages.info(request, "Påminnelsen är redan klar. Inget har ändrats.")
    else:
        until = timezone.localdate() + timedelta(days=form.cleaned_data["days"])
        # The same choice twice sets the same date: a double click changes nothing twice.
        Notification.objects.filter(pk=item.pk, state=State.OPEN).update(snoozed_until=until)
        messages.success(request, f"Pausad till {until:%Y-%m-%d}: {item.title}")
    return redirect("reminders:inbox")


@require_POST
def done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _own(request, pk)
    if Notification.objects.filter(pk=item.pk, state=State.OPEN).update(state=State.DONE):
        messages.success(request, f"Klar: {item.title}")
    else:
        messages.info(request, "Påminnelsen var redan klar. Inget har ändrats.")
    return redirect("reminders:inbox")


def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Which kinds come in the daily e-mail; every kind does until the user opts out. A coordinator
    also chooses whether new work comes at once or in the digest (default: the digest)."""
    opted_out = set(NotificationPreference.objects.filter(user=request.user).values_list("kind", flat=True))
    timing = EmailTiming.objects.filter(user=request.user).values_list("new_work", flat=True).first()
    initial = {
        "by_email": [k for k in Kind.values if k not in opted_out],
        "new_work": timing or EmailTiming.When.DIGEST,
    }
    coordinator = Membership.Role.KOORDINATOR in roles_of(request.user)
    # Not `request.POST or None`: unticking every kind posts nothing, and must still be saved.
    form = PreferencesForm(request.POST if request.method == "POST" else None, initial=initial, coordinator=coordinator)
    if request.method == "POST" and form.is_valid():
        if coordinator:
            EmailTiming.objects.update_or_create(
                user=request.user, defaults={"new_work": form.cleaned_data["new_work"]}
            )
        wanted = set(form.cleaned_data["by_email"])
        unwanted = set(Kind.values) - wanted
        NotificationPreference.objects.filter(user=request.user, kind__in=wanted).delete()
        NotificationPreference.objects.bulk_create(
            [NotificationPreference(user=request.user, kind=k) for k in sorted(unwanted)], ignore_conflicts=True
        )
        messages.success(request, "Dina val för e-post är sparade.")
        return redirect("reminders:preferences")
    return render(request, "reminders/preferences.html", {"form": form})
