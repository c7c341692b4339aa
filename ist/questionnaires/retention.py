"""Gallring of questionnaire answers (rules as data in ist/retention: docs/decisions/0036, 0018).

- Identified answers (the self-assessment) go with the enrolment: once it has been closed for the rule's
  period, its answers become anonymous answers (the enrolment link, the day and any free text are
  removed; team, month, group and the chosen options stay, so past statistics keep their counts), and
  its hand-outs and one-time links are deleted.
- Anonymous answers hold no personal data; they are deleted after their (long) period.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Exists, OuterRef, QuerySet

from ist.questionnaires.models import Answer, Invitation, Response
from participants.models import Enrollment


def enrollments_with_answers(closed_on_or_before: date) -> QuerySet[Enrollment]:
    """Closed enrolments (closed on or before the day) that still hold identified answers or hand-outs."""
    mine = {"enrollment": OuterRef("pk")}
    return Enrollment.objects.filter(status=Enrollment.Status.CLOSED, closure__date__lte=closed_on_or_before).filter(
        Exists(Response.objects.filter(**mine)) | Exists(Invitation.objects.filter(**mine))
    )


def make_anonymous(enrollment_ids: list[int], now: datetime) -> tuple[int, int]:
    """The enrolments' identified answers become anonymous; their hand-outs and links are deleted.
    Returns (answers made anonymous, hand-outs deleted)."""
    responses = Response.objects.filter(enrollment__in=enrollment_ids, identified=True)
    Answer.objects.filter(response__in=responses).exclude(text="").delete()
    n = responses.update(identified=False, enrollment=None, answered_on=None)
    _deleted, per_model = Invitation.objects.filter(enrollment__in=enrollment_ids).delete()
    return n, per_model.get(Invitation._meta.label, 0)


def anonymous_before(cutoff: date) -> QuerySet[Response]:
    """Anonymous answers of months wholly before the cut-off day's month."""
    return Response.objects.filter(identified=False, month__lt=cutoff.replace(day=1))
