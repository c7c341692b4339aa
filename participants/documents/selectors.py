"""Every read of documents on a user's behalf, and the figures a report back is built from."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet

from participants import rules
from participants.documents.models import Contact, Delivery, Document
from participants.models import Activity, Attendance, Enrollment, PhasePeriod, RequirementCategory
from participants.selectors import enrollments_for, requirements
from teams.access import teams_where, with_grant

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from teams.models import User

VIEW_PERM = "view_document"


def _staff_enrollments(user: User) -> QuerySet[Enrollment]:
    """The enrolments the user sees as IST staff (not as the referrer): team scoping with the
    protected-identity rule of enrollments_for."""
    return enrollments_for(user, "view").filter(team__in=teams_where(user, action="view"))


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
    """The enrolment's documents the user may see, newest first, with their download counts."""
    return list(
        documents_for(user)
        .filter(enrollment=enrollment)
        .annotate(download_count=Count("downloads"))
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


def latest_final(enrollment: Enrollment, kind: str) -> Document | None:
    """The newest finalised version of the newest finalised document of a kind."""
    return (
        Document.objects.filter(enrollment=enrollment, kind=kind)
        .exclude(status=Document.Status.DRAFT)
        .order_by("-number", "-version")
        .first()
    )


def attendance_for(enrollment: Enrollment, start: date, end: date) -> list[dict[str, object]]:
    """Attendance per activity kind over a period, against the phase requirements in force each week.

    Required: the sum over the period's ISO weeks of count/per_weeks for the phase the participant
    was in that week. Three queries: phase periods, requirements, activity counts.
    """
    periods = list(PhasePeriod.objects.filter(enrollment=enrollment).order_by("start"))
    reqs = requirements()
    counts = (
        Activity.objects.filter(enrollment=enrollment, date__gte=start, date__lte=end)
        .values("kind__category", "attendance")
        .annotate(n=Count("pk"))
    )
    # An activity counts toward its kind's requirement category (kinds of none are not in the table).
    logged = {(row["kind__category"], row["attendance"]): row["n"] for row in counts}
    required = dict.fromkeys(RequirementCategory.values, 0.0)
    monday = rules.week_start(start)
    while monday <= end:
        # The phase of the week: the one in force on its last day within the period.
        day = min(monday + timedelta(days=6), end)
        phase = next((p.phase for p in periods if p.start <= day and (p.end is None or p.end >= day)), None)
        for kind in RequirementCategory.values:
            req = reqs.for_week(phase, kind, monday)  # the requirement in force that week
            if req:
                required[kind] += req.count / req.per_weeks
        monday += timedelta(days=7)
    rows = []
    for kind, label in RequirementCategory.choices:
        present = logged.get((kind, Attendance.PRESENT), 0)
        need = round(required[kind])
        rows.append(
            {
                "kind": kind,
                "label": str(label),
                "required": need,
                "present": present,
                "excused": logged.get((kind, Attendance.EXCUSED), 0),
                "unexcused": logged.get((kind, Attendance.UNEXCUSED), 0),
                "percent": round(100 * min(present, need) / need) if need else None,
            }
        )
    return rows
