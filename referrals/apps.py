from __future__ import annotations

from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Remisser och samverkansteam"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from ist.audit.subjects import register_person_finder
        from referrals import emails, reminders  # noqa: F401 - register the e-mail builders and reminder area
        from referrals.models import AgendaItem, ConsultativeQuestion, InformationMeeting, Referral
        from referrals.selectors import referral_subjects_matching

        auditlog.register(Referral, exclude_fields=["version"])
        auditlog.register(ConsultativeQuestion)
        auditlog.register(AgendaItem)
        auditlog.register(InformationMeeting)
        register_person_finder(referral_subjects_matching)
