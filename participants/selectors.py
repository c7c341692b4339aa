"""Every read of participants and enrolments on a user's behalf."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncWeek

from participants import rules
from participants.models import (
    Activity,
    ActivityGroup,
    ActivityType,
    Attendance,
    Enrollment,
    FollowUp,
    GroupSession,
    Participant,
    Phase,
    PhasePeriod,
    PhaseRequirement,
    RequirementCategory,
    Transfer,
)
from referrals.models import InformationMeeting, Referral
from teams.access import team_ids_where
from teams.models import User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def _mine(user: User) -> Q:
    return Q(responsible=user) | Q(second_contact=user)


def enrollments_for(user: User | AnonymousUser, action: str = "view") -> QuerySet[Enrollment]:
    """Enrolments the user may see (view) or change (change).

    view: the team's handledare and coordinators (handledare cover for each
    other), and the referrer of the enrolment's referral (read-only). A person
    with protected identity is seen only by their handledare and the team's
    coordinators. change: coordinators of the team; handledare for whom they
    are responsible or second contact.
    """
    if not user.is_authenticated or not user.is_active:
        return Enrollment.objects.none()
    coordinated = Q(team__in=team_ids_where(user, action="manage"))
    if action == "view":
        staff = Q(team__in=team_ids_where(user, action="view"))
        open_identity = Q(participant__protected_identity=False)
        condition = (staff & (open_identity | _mine(user) | coordinated)) | (Q(referral__referrer=user) & open_identity)
    elif action == "change":
        condition = coordinated | (Q(team__in=team_ids_where(user, action="change")) & _mine(user))
    elif action == "manage":
        condition = coordinated
    else:
        raise ValueError(action)
    return Enrollment.objects.filter(condition).select_related(
        "participant", "participant__municipality", "team", "responsible", "second_contact"
    )


def is_staff_for(user: User, enrollment: Enrollment) -> bool:
    """IST staff of the enrolment's team (not the referrer's limited view)."""
    return enrollment.team_id in team_ids_where(user, action="view")


def ready_for_enrolment(user: User) -> QuerySet[Referral]:
    """Referrals of the coordinator's teams whose information meeting ended in "wants to start"."""
    return (
        Referral.objects.filter(
            team__in=team_ids_where(user, action="manage"), status=Referral.Status.READY, enrollment__isnull=True
        )
        .select_related("team", "municipality")
        .order_by("received_on")
    )


def handledare_of(team_id: int) -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, memberships__team_id=team_id, memberships__role="handledare")
        .distinct()
        .order_by("last_name", "first_name")
    )


def current_phases(enrollment_ids: list[int]) -> dict[int, PhasePeriod]:
    periods = PhasePeriod.objects.filter(enrollment_id__in=enrollment_ids, end__isnull=True)
    return {p.enrollment_id: p for p in periods}


def requirements() -> rules.RequirementBook:
    """Every phase requirement with its validity, to look up per phase, category and week. One query."""
    return rules.RequirementBook(list(PhaseRequirement.objects.all()))


def requirements_per_week(*, on: date) -> dict[tuple[str, str], float]:
    """(phase, requirement category) → activities per week required on the day `on` (the
    requirements in force then; docs/decisions/0027). One query."""
    book = requirements()
    return {
        (phase, category): req.count / req.per_weeks
        for phase in Phase.values
        for category in RequirementCategory.values
        if (req := book.get(phase, category, on=on))
    }


def activity_kinds(*, active_only: bool = False) -> list[ActivityType]:
    """The kinds of activity, in the administrators' order. One query."""
    kinds = ActivityType.objects.all()
    return list(kinds.filter(active=True) if active_only else kinds)


def activity_kind_choices() -> list[tuple[str, str]]:
    """(code, name) of every kind, inactive ones too, in the administrators' order: how statistics
    group activities by kind (an activity's `kind` column holds its kind's code). One query."""
    return list(ActivityType.objects.values_list("code", "name"))


OTHER = ""  # the grid's column of kinds that count toward no requirement
OTHER_LABEL = "Övrigt"


@dataclass(frozen=True)
class Column:
    """One column of Min vecka: a requirement category (or OTHER) and the kind its quick log uses."""

    category: str
    label: str
    kind: ActivityType | None


def week_columns(kinds: list[ActivityType]) -> list[Column]:
    """The four requirement categories, then "Övrigt" if some active kind counts toward none. Each
    column's quick log uses its first active kind: the one whose code is the category's, else the
    first by position."""
    active = [k for k in kinds if k.active]
    columns = []
    for category, label in [*RequirementCategory.choices, (OTHER, OTHER_LABEL)]:
        of = [k for k in active if k.category == category]
        if category == OTHER and not of:
            continue
        main = next((k for k in of if k.code == category), of[0] if of else None)
        columns.append(Column(category, str(label), main))
    return columns


@dataclass(frozen=True)
class WeekActivity:
    """What Min vecka shows of a logged activity (read as tuples: no model instances per row)."""

    pk: int
    date: date
    attendance: str
    kind_id: str
    kind_name: str
    category: str


@dataclass
class WeekRow:
    enrollment: Enrollment
    period: PhasePeriod | None
    weeks_in_phase: int
    cells: dict[str, rules.Cell] = field(default_factory=dict)
    activities: list[WeekActivity] = field(default_factory=list)


def week_of(enrollments: QuerySet[Enrollment], monday: date, *, today: date | None = None) -> list[WeekRow]:
    """Min vecka: per enrolment and requirement category, what the phase requires that week and
    what is logged (an activity counts toward its kind's category; kinds of no category are in the
    OTHER cell, which has no requirement). A week not over yet (`today` within or before it) shows
    an unmet requirement as "pågår".

    Four queries whatever the number of participants: enrolments, open phase periods,
    requirements, and this and last week's activities with their kinds.
    """
    sunday = monday + timedelta(days=6)
    week_over = today is None or today > sunday
    rows_by_id = {e.pk: WeekRow(enrollment=e, period=None, weeks_in_phase=0) for e in enrollments}
    ids = list(rows_by_id)
    if not ids:
        return []
    periods = current_phases(ids)
    reqs = requirements()
    activities = (
        Activity.objects.filter(enrollment_id__in=ids, date__gte=monday - timedelta(days=7), date__lte=sunday)
        .order_by("date", "pk")
        .values_list("enrollment_id", "pk", "date", "attendance", "kind__code", "kind__name", "kind__category")
    )
    this_week: dict[tuple[int, str], list[WeekActivity]] = defaultdict(list)
    last_week_present: dict[tuple[int, str], int] = defaultdict(int)
    for enrollment_id, pk, day, attendance, kind_id, kind_name, category in activities:
        activity = WeekActivity(pk, day, attendance, kind_id, kind_name, category)
        key = (enrollment_id, activity.category)
        if activity.date >= monday:
            this_week[key].append(activity)
            rows_by_id[enrollment_id].activities.append(activity)
        elif activity.attendance == Attendance.PRESENT:
            last_week_present[key] += 1
    categories = [*RequirementCategory.values, OTHER]  # once: the enum's values are computed per call
    for enrollment_id, row in rows_by_id.items():
        row.period = periods.get(enrollment_id)
        if row.period is not None:
            row.weeks_in_phase = max(1, (monday - rules.week_start(row.period.start)).days // 7 + 1)
        for category in categories:
            req = reqs.for_week(row.period.phase if row.period else None, category, monday)
            logged = this_week[(enrollment_id, category)]
            present = sum(1 for a in logged if a.attendance == Attendance.PRESENT)
            unexcused = sum(1 for a in logged if a.attendance == Attendance.UNEXCUSED)
            window = present + (last_week_present[(enrollment_id, category)] if req and req.per_weeks > 1 else 0)
            row.cells[category] = rules.make_cell(
                req,
                present=present,
                logged=len(logged),
                window_present=window,
                unexcused=unexcused,
                week_over=week_over,
            )
    return list(rows_by_id.values())


def my_week_enrollments(user: User) -> QuerySet[Enrollment]:
    """The handledare's own active participants (responsible or second contact), with what Min
    vecka's rows and their access-log lines read: the person and the team. Not the handledare,
    second contact and municipality that enrollments_for joins: at 160 rows those were 480 more
    model instances a page (docs/performance.md, "Round nine")."""
    return (
        enrollments_for(user, "change")
        .filter(_mine(user), status=Enrollment.Status.ACTIVE)
        .select_related(None)
        .select_related("participant", "team")
        .order_by("participant__last_name", "participant__first_name")
    )


def groups_for(user: User | AnonymousUser) -> QuerySet[ActivityGroup]:
    """Saved groups of the teams where the user is IST staff (handledare, coordinator): they see,
    create, edit and archive them (docs/decisions/0035). Anyone else: none (404)."""
    return ActivityGroup.objects.filter(team__in=team_ids_where(user, action="change")).select_related("team", "kind")


def group_sessions_for(user: User | AnonymousUser) -> QuerySet[GroupSession]:
    """Sessions of saved groups (and one-off group sessions) of the user's teams as IST staff."""
    return GroupSession.objects.filter(team__in=team_ids_where(user, action="change")).select_related(
        "team", "kind", "group", "led_by"
    )


def _counted_sessions() -> QuerySet[GroupSession]:
    present = Count("activities", filter=Q(activities__attendance=Attendance.PRESENT))
    return GroupSession.objects.annotate(present=present, attendees=Count("activities"))


@dataclass(frozen=True)
class WeekGroup:
    """A saved group in Min vecka's "Gruppträffar": its usual day that week and the sessions logged."""

    group: ActivityGroup
    day: date
    sessions: list[GroupSession]


def week_groups(handledare: User, viewer: User, monday: date) -> list[WeekGroup]:
    """The active saved groups, in the viewer's teams, that hold one of the handledare's own
    participants or that the handledare made, with their sessions of the week. Two queries."""
    mine = my_week_enrollments(handledare).values("pk")
    week = _counted_sessions().filter(date__range=(monday, monday + timedelta(days=6))).order_by("date", "start_time")
    groups = (
        groups_for(viewer)
        .filter(archived_at__isnull=True)
        .filter(Q(members__in=mine) | Q(created_by=handledare))
        .distinct()
        .prefetch_related(Prefetch("sessions", queryset=week, to_attr="week_sessions"))
    )
    return [WeekGroup(g, monday + timedelta(days=g.weekday), g.week_sessions) for g in groups]


def group_page_sessions(group: ActivityGroup, *, limit: int = 30) -> list[GroupSession]:
    """The group's latest sessions with their counts (the group's page). One query."""
    return list(_counted_sessions().filter(group=group).order_by("-date", "-start_time")[:limit])


def fulfilment_by_week(enrollment: Enrollment, *, weeks: int, today: date) -> list[dict[str, object]]:
    """Per ISO week of the last `weeks`: required and met (present, capped) activities.

    Two queries: the phase periods and the activity counts per week and kind.
    """
    first_monday = rules.week_start(today) - timedelta(weeks=weeks - 1)
    periods = list(enrollment.phase_periods.all())
    reqs = requirements()
    counts = (
        Activity.objects.filter(enrollment=enrollment, date__gte=first_monday, attendance=Attendance.PRESENT)
        .annotate(week=TruncWeek("date"))
        .values("week", "kind__category")
        .annotate(n=Count("pk"))
    )
    present = {
        (row["week"] if isinstance(row["week"], date) else row["week"].date(), row["kind__category"]): row["n"]
        for row in counts
    }
    result = []
    for i in range(weeks):
        monday = first_monday + timedelta(weeks=i)
        phase = next(
            (p.phase for p in periods if p.start <= monday + timedelta(days=6) and (p.end is None or p.end >= monday)),
            None,
        )
        required: float = 0
        met: float = 0
        for category in RequirementCategory.values:
            req = reqs.for_week(phase, category, monday)  # the requirement in force that week
            if req is None:
                continue
            # a "1 per 2 weeks" requirement counts half a requirement per week
            need = req.count / req.per_weeks
            required += need
            met += min(present.get((monday, category), 0), need)
        result.append(
            {
                "monday": monday,
                "label": rules.week_label(monday),
                "required": required,
                "met": met,
                "percent": round(100 * met / required) if required else None,
            }
        )
    return result


def activity_history(
    enrollment: Enrollment, *, kind: str = "", start: date | None = None, end: date | None = None
) -> QuerySet[Activity]:
    """Every activity of the enrolment, newest first, of a kind and within a period if given."""
    rows = enrollment.activities.select_related("kind", "logged_by", "group_session")
    if kind:
        rows = rows.filter(kind__code=kind)  # the column holds the code (to_field): no join
    if start:
        rows = rows.filter(date__gte=start)
    if end:
        rows = rows.filter(date__lte=end)
    return rows.order_by("-date", "-pk")


def follow_ups_due(user: User, *, today: date) -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.filter(
            enrollment__in=enrollments_for(user, "change"), found="", due_on__lte=today + timedelta(days=14)
        )
        .select_related("enrollment__participant", "enrollment__team")
        .order_by("due_on")
    )


def caseload(user: User) -> QuerySet[Enrollment]:
    """The coordinator's teams' active enrolments, by handledare."""
    return (
        enrollments_for(user, "manage")
        .filter(status=Enrollment.Status.ACTIVE)
        .order_by("team__name", "responsible__last_name", "participant__last_name")
    )


def participant_subjects_matching(viewer: User, text: str) -> list[tuple[str, str]]:
    """Loggkontroll: participants the reviewer may see, by personnummer or name."""
    if viewer.is_administrator:
        # Coordinators and administrators may see a protected person in the log, so the search finds
        # them as the unfiltered log shows them (docs/decisions/0019).
        people = Participant.objects.all()
    else:
        people = Participant.objects.filter(enrollments__in=enrollments_for(viewer, "manage")).distinct()
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 8:
        people = people.filter(personnummer__contains=digits[-10:] if len(digits) > 10 else digits)
    else:
        words = text.split()
        if not words:
            return []
        for word in words:
            people = people.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return [(f"pnr:{p.personnummer}", f"{p} ({p.personnummer_masked})") for p in people.order_by("last_name")[:20]]


@dataclass
class LeftBehind:
    """What a deactivated user left without a responsible person in one team."""

    team_id: int
    enrollments: list[Enrollment] = field(default_factory=list)  # active: responsible or second contact
    drafts: int = 0  # unfinished documents of the enrolments they were responsible for
    info_meetings: list[InformationMeeting] = field(default_factory=list)  # upcoming, booked with them

    @property
    def count(self) -> int:
        return len(self.enrollments) + self.drafts + len(self.info_meetings)


def left_behind(user: User, *, team_ids: list[int], today: date) -> dict[int, LeftBehind]:
    """Per team of `team_ids`: the active enrolments `user` is responsible for or second contact of,
    the draft documents of the former, and the upcoming information meetings booked with them.
    Three queries whatever the numbers."""
    from participants.documents.models import Document

    result: dict[int, LeftBehind] = {}
    enrollments = (
        Enrollment.objects.filter(team_id__in=team_ids, status=Enrollment.Status.ACTIVE)
        .filter(_mine(user))
        .select_related("participant", "team", "responsible", "second_contact")
        .order_by("participant__last_name", "participant__first_name", "pk")
    )
    for enrollment in enrollments:
        result.setdefault(enrollment.team_id, LeftBehind(enrollment.team_id)).enrollments.append(enrollment)
    drafts = (
        Document.objects.filter(
            enrollment__team_id__in=team_ids,
            enrollment__status=Enrollment.Status.ACTIVE,
            enrollment__responsible=user,
            status=Document.Status.DRAFT,
        )
        .values("enrollment__team_id")
        .annotate(n=Count("pk"))
    )
    for row in drafts:
        result.setdefault(row["enrollment__team_id"], LeftBehind(row["enrollment__team_id"])).drafts = row["n"]
    meetings = InformationMeeting.objects.filter(
        referral__team_id__in=team_ids, attendees=user, date__gte=today, outcome=""
    ).select_related("referral")
    for meeting in meetings.order_by("date", "start_time"):
        team_id = meeting.referral.team_id
        if team_id is None:  # filtered on the teams above
            continue
        result.setdefault(team_id, LeftBehind(team_id)).info_meetings.append(meeting)
    return result


def deactivated_with_work(team_ids: list[int]) -> QuerySet[User]:
    """Deactivated users who still hold active enrolments or upcoming information meetings in these teams."""
    holds = Q(
        enrollments_responsible__team_id__in=team_ids, enrollments_responsible__status=Enrollment.Status.ACTIVE
    ) | Q(enrollments_second__team_id__in=team_ids, enrollments_second__status=Enrollment.Status.ACTIVE)
    return User.objects.filter(holds, is_active=False).distinct()


def consent_editable(user: User) -> QuerySet[Referral]:
    """Referrals whose consent the user may record or withdraw: the coordinators of the team, and
    the handledare who may change the enrolment that came from it (docs/decisions/0019)."""
    if not user.is_authenticated or not user.is_active:
        return Referral.objects.none()
    coordinated = Q(team__in=team_ids_where(user, action="manage")) & ~Q(status=Referral.Status.DRAFT)
    handled = Q(enrollment__in=enrollments_for(user, "change"))
    return Referral.objects.filter(coordinated | handled).select_related(
        "team", "referrer_organisation", "consent_recorded_by", "consent_withdrawn_by", "enrollment"
    )


def transfers_for(user: User) -> QuerySet[Transfer]:
    """Transfers the user sees: those from or to a team they coordinate."""
    managed = team_ids_where(user, action="manage")
    return Transfer.objects.filter(Q(from_team__in=managed) | Q(to_team__in=managed)).select_related(
        "enrollment__participant", "from_team", "to_team", "proposed_by", "decided_by"
    )


def incoming_transfers(user: User) -> QuerySet[Transfer]:
    """Open proposals to the user's teams (Arbetsfördelning lists them)."""
    return (
        transfers_for(user)
        .filter(status=Transfer.Status.PROPOSED, to_team__in=team_ids_where(user, action="manage"))
        .order_by("date", "pk")
    )
