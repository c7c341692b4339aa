"""Every read of documents on a user's behalf, and the figures a report back is built from."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from participants import rules
from participants.documents.models import Contact, Delivery, Document, DocumentRead, Download
from participants.models import Activity, Attendance, Enrollment, PhasePeriod, RequirementCategory
from participants.selectors import enrollments_for, requirements
from teams.access import team_ids_where, with_grant

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from teams.models import User

VIEW_PERM = "view_document"


def _staff_enrollments(user: User) -> QuerySet[Enrollment]:
    """The enrolments the user sees as IST staff (not as the referrer): team scoping with the
    protected-identity rule of enrollments_for."""
    return enrollments_for(user, "view").filter(team__in=team_ids_where(user, action="view"))


def documents_for(user: User | AnonymousUser, action: str = "view") -> QuerySet[Document]:
    """Documents the user may see (view) or write (change).

    view: every document of the enrolments the user sees as IST staff (drafts too), and the
    finalised documents delivered to them (the referrer and chosen parties, through a guardian
    grant). change: drafts and corrections are written by those who may change the enrolment.
    """
    if not user.is_authenticated or not user.is_active:
        return Document.objects.none()
    if action == "change":
        condition = Q(enrollment__in=enrollments_for(user, "change"))
    elif action == "view":
        # A grant never reaches the documents of a person with protected identity: the grants are
        # revoked when the flag is set, and this read ignores any left (docs/decisions/0019).
        granted = with_grant(user, VIEW_PERM, Document.objects.exclude(status=Document.Status.DRAFT))
        condition = Q(enrollment__in=_staff_enrollments(user)) | (
            Q(pk__in=granted.values("pk")) & Q(enrollment__participant__protected_identity=False)
        )
    else:
        raise ValueError(action)
    return Document.objects.filter(condition).select_related(
        "enrollment__participant", "enrollment__team", "enrollment__responsible", "created_by", "finalised_by"
    )


def documents_of(enrollment: Enrollment, user: User) -> list[Document]:
    """The enrolment's documents the user may see, newest first, with their download counts. The
    participant page lists them by their own fields only: no related rows are joined, and the count
    is a subquery per document rather than a GROUP BY over every column of the joined rows (which
    PostgreSQL took longer to plan than to run, docs/performance.md "Round ten")."""
    downloads = (
        Download.objects.filter(document=OuterRef("pk"))
        .order_by()
        .values("document")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        documents_for(user)
        .filter(enrollment=enrollment)
        .select_related(None)
        .annotate(download_count=Coalesce(Subquery(downloads), 0))
        .order_by("kind", "-number", "-version")
    )


def deliveries_of(document: Document) -> QuerySet[Delivery]:
    return document.deliveries.select_related("recipient", "recipient__organisation").order_by("delivered_at")


def contacts_of(enrollment: Enrollment) -> QuerySet[Contact]:
    return enrollment.contacts.select_related("user", "user__organisation")


def referred_enrollments(user: User) -> QuerySet[Enrollment]:
    """Mina deltagare: the enrolments that came from the user's referrals, with their finalised
    documents delivered to the user (prefetched), newest first."""
    delivered = with_grant(user, VIEW_PERM, Document.objects.exclude(status=Document.Status.DRAFT)).order_by(
        "kind", "-number", "-version"
    )
    return (
        enrollments_for(user, "view")
        .filter(referral__referrer=user)
        .prefetch_related(Prefetch("documents", queryset=delivered, to_attr="delivered_documents"))
        .order_by("-start_date", "pk")
    )


def shared_with(user: User) -> QuerySet[Document]:
    """Finalised documents delivered to the user for enrolments they did not refer (a party); never
    those of a person with protected identity."""
    return (
        with_grant(user, VIEW_PERM, Document.objects.exclude(status=Document.Status.DRAFT))
        .exclude(enrollment__referral__referrer=user)
        .filter(enrollment__participant__protected_identity=False)
        .select_related("enrollment__participant", "enrollment__team")
        .order_by("-finalised_at")
    )


def inbox_for(user: User, *, person: str = "") -> QuerySet[Document]:
    """ "Dokument": every document delivered to the user (as the referrer or as a party) that they may
    download, newest first, each with `is_new` (not yet downloaded by this user). Never a protected
    person's (the grants are revoked and ignored, docs/decisions/0019), never a draft. `person`
    narrows by the participant's name (every word must match a first or last name) or by the digits
    of a personnummer. Two queries per page with the paginator's count."""
    documents = (
        with_grant(user, VIEW_PERM, Document.objects.exclude(status=Document.Status.DRAFT))
        .filter(enrollment__participant__protected_identity=False)
        .select_related("enrollment__participant", "enrollment__team")
        .annotate(is_new=~Exists(DocumentRead.objects.filter(document=OuterRef("pk"), user=user)))
        .order_by("-finalised_at", "-pk")
    )
    digits = "".join(ch for ch in person if ch.isdigit())
    if digits:
        documents = documents.filter(enrollment__participant__personnummer__contains=digits)
    for word in person.split():
        if any(ch.isdigit() for ch in word):
            continue
        documents = documents.filter(
            Q(enrollment__participant__first_name__icontains=word)
            | Q(enrollment__participant__last_name__icontains=word)
        )
    return documents


def latest_final(enrollment: Enrollment, kind: str) -> Document | None:
    """The newest finalised version of the newest finalised document of a kind."""
    return (
        Document.objects.filter(enrollment=enrollment, kind=kind)
        .exclude(status=Document.Status.DRAFT)
        .order_by("-number", "-version")
        .first()
    )


def activity_kinds() -> list[tuple[str, str]]:
    """What a report back counts per row, as (value, label): the requirement categories, since every
    activity kind (data, ActivityType) counts toward its category or none (docs/decisions/0027)."""
    return [(str(value), str(label)) for value, label in RequirementCategory.choices]


def _hours(minutes: int, weeks: int) -> float:
    return round(minutes / 60 / weeks, 1) if weeks else 0.0


def attendance_for(enrollment: Enrollment, start: date, end: date) -> list[dict[str, object]]:
    """Attendance per activity kind over a period, against the phase requirements in force each week,
    and the hours per week: planned (every activity booked in the period, attended or not) and
    attended (those the participant was present at), each divided by the period's ISO weeks.

    Required: the sum over the period's ISO weeks of count/per_weeks for the phase the participant
    was in that week. Three queries: phase periods, requirements, activity counts and minutes.
    """
    periods = list(PhasePeriod.objects.filter(enrollment=enrollment).order_by("start"))
    reqs = requirements()
    kinds = activity_kinds()
    counts = (
        Activity.objects.filter(enrollment=enrollment, date__gte=start, date__lte=end)
        .values("kind__category", "attendance")
        .annotate(n=Count("pk"), minutes=Sum("duration_minutes"))
    )
    # An activity counts toward its kind's requirement category (kinds of none are not in the table).
    logged = {(row["kind__category"], row["attendance"]): (row["n"], row["minutes"] or 0) for row in counts}
    required = {kind: 0.0 for kind, _label in kinds}
    weeks = 0
    monday = rules.week_start(start)
    while monday <= end:
        weeks += 1
        # The phase of the week: the one in force on its last day within the period.
        day = min(monday + timedelta(days=6), end)
        phase = next((p.phase for p in periods if p.start <= day and (p.end is None or p.end >= day)), None)
        for kind in required:
            req = reqs.for_week(phase, kind, monday)  # the requirement in force that week
            if req:
                required[kind] += req.count / req.per_weeks
        monday += timedelta(days=7)
    rows = []
    for kind, label in kinds:
        present, present_minutes = logged.get((kind, Attendance.PRESENT), (0, 0))
        booked_minutes = sum(logged.get((kind, mark), (0, 0))[1] for mark in Attendance.values)
        need = round(required[kind])
        rows.append(
            {
                "kind": kind,
                "label": label,
                "required": need,
                "present": present,
                "excused": logged.get((kind, Attendance.EXCUSED), (0, 0))[0],
                "unexcused": logged.get((kind, Attendance.UNEXCUSED), (0, 0))[0],
                "percent": round(100 * min(present, need) / need) if need else None,
                "planned_minutes": booked_minutes,
                "attended_minutes": present_minutes,
                "weeks": weeks,
                "planned_hours_per_week": _hours(booked_minutes, weeks),
                "attended_hours_per_week": _hours(present_minutes, weeks),
            }
        )
    return rows


def _whole(value: object) -> int:
    return value if isinstance(value, int) else 0


def hours_total(rows: list[dict[str, object]]) -> dict[str, float] | None:
    """The report's total hours per week over every activity kind, or None for a report finalised
    before hours were counted (its rows have no minutes)."""
    if not rows or "planned_minutes" not in rows[0]:
        return None
    weeks = _whole(rows[0]["weeks"])
    planned = sum(_whole(row["planned_minutes"]) for row in rows)
    attended = sum(_whole(row["attended_minutes"]) for row in rows)
    return {"planned": _hours(planned, weeks), "attended": _hours(attended, weeks)}
