"""Demo documents: finalised handlingsplaner with their PDFs, a report back, a closing summary of a
closed enrolment, a plan in progress, a party (contact) with a shared document, and downloads.

Made through the services like the web pages do. seed_demo has no worker, so each finalised document
is rendered here with document_render, synchronously; the task the finalisation also queues finds the
document final and does nothing. Idempotent: if any document exists the seeder leaves them alone.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from participants.documents import services
from participants.documents.inputs import DocumentContent, EvaluationRow, SubGoalRow
from participants.documents.models import Document, Responsible
from participants.models import Enrollment, Phase
from participants.selectors import current_phases
from teams.demo import demo_email
from teams.models import User

Kind = Document.Kind

PLAN = {
    "direction": Document.Direction.WORK,
    "goal": "Arbete inom lager och logistik, först 50 procent och sedan mer.",
    "support": "Försäkringskassan följer upp sjukpenningen varje månad; Arbetsförmedlingen ordnar praktikplats.",
    "own_words": "Jag vill komma tillbaka till ett jobb där jag får röra på mig. Morgnarna är svårast.",
}
SUB_GOALS = [
    ("Åka buss på egen hand till träningen", "Övningsresor tillsammans med handledaren", Responsible.PARTICIPANT),
    ("Närvaro tre förmiddagar i veckan", "Arbetsträning i gruppen på Växthuset", Responsible.IST),
    ("Prova på en arbetsplats inom lager", "Studiebesök och två veckors praktik", Responsible.AF),
]
REPORT: dict[str, object] = {
    "progress": "Närvaron har ökat från två till tre förmiddagar i veckan. Deltagaren är redo för praktik.",
    "assessment": "Deltagaren klarar nu tre förmiddagar i veckan och bedöms redo för praktik på halvtid.",
    "changes": "Ny läkarkontakt från och med förra månaden; sjukskrivningen är oförändrad.",
    "next_steps": "Praktik på lager två veckor, därefter uppföljningsmöte med Försäkringskassan.",
}
CLOSING: dict[str, object] = {
    "summary": "Deltagaren har gått igenom alla fyra faser och fått en anställning på 75 procent.",
    "recommendations": "Fortsatt kontakt med företagshälsovården under de första månaderna.",
    "next_steps": "Uppföljning efter 6 och 12 månader enligt rutin.",
}


def _finalised(
    document: Document,
    by: User,
    content: dict[str, object],
    sub_goals: list[SubGoalRow] | None = None,
    evaluations: list[EvaluationRow] | None = None,
) -> Document:
    document = services.document_save_draft(
        document=document,
        by=by,
        expected_revision=document.revision,
        content=DocumentContent.of(document, **content),
        sub_goals=sub_goals,
        evaluations=evaluations,
    )
    document = services.document_finalise(document=document, by=by, expected_revision=document.revision)
    services.document_render(document_id=document.pk)  # no worker in seed_demo
    document.refresh_from_db()
    return document


def _plan(enrollment: Enrollment, by: User) -> Document:
    today = timezone.localdate()
    draft = services.document_start(enrollment=enrollment, kind=Kind.ACTION_PLAN, by=by)
    goals = [
        SubGoalRow(goal=goal, activities=activities, responsible=who, due_on=today + timedelta(days=45 * (i + 1)))
        for i, (goal, activities, who) in enumerate(SUB_GOALS)
    ]
    evaluations = [
        EvaluationRow(result="partly", comment="Delvis: fler tillfällen behövs.") for _ in draft.evaluations.all()
    ]
    return _finalised(
        draft, by, {**PLAN, "agreed_on": today - timedelta(days=1)}, sub_goals=goals, evaluations=evaluations
    )


def seed_documents() -> dict[str, int]:
    if Document.objects.exists():
        return {"documents_created": 0}
    referrer = User.objects.get(email=demo_email("remittent.fk"))
    party = User.objects.get(email=demo_email("remittent.kommun"))
    referred = Enrollment.objects.filter(referral__referrer=referrer).select_related("responsible")
    active = list(referred.filter(status=Enrollment.Status.ACTIVE).order_by("pk"))
    phases = current_phases([e.pk for e in active])
    # Plans begin in Arbetsförberedande: Prova på has none.
    in_plan_phase = [e for e in active if e.pk in phases and phases[e.pk].phase != Phase.PROVA_PA][:3]
    closed = referred.filter(status=Enrollment.Status.CLOSED).order_by("pk").first()
    made = []
    for i, enrollment in enumerate(in_plan_phase):
        handledare = enrollment.responsible
        plan = _plan(enrollment, handledare)
        made.append(plan)
        if i == 0:
            made.append(
                _finalised(
                    services.document_start(enrollment=enrollment, kind=Kind.REPORT, by=handledare), handledare, REPORT
                )
            )
            services.contact_add(
                enrollment=enrollment, user=party, role="Handläggare ekonomiskt bistånd", by=handledare
            )
            services.document_share(document=plan, recipients=[party], by=handledare)
            services.download_record(document=plan, user=referrer, ip="192.0.2.10")
            services.download_record(document=plan, user=party, ip="192.0.2.20")
        if i == 1:
            # The next plan in progress: a draft started from the final one.
            made.append(services.document_start(enrollment=enrollment, kind=Kind.ACTION_PLAN, by=handledare))
    if closed is not None:
        closing = services.document_start(enrollment=closed, kind=Kind.CLOSING, by=closed.responsible)
        made.append(_finalised(closing, closed.responsible, CLOSING))
    return {"documents_created": len(made)}
