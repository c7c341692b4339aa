from __future__ import annotations

from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = "Deltagare"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from ist.audit.subjects import register_person_finder
        from participants import emails, models  # noqa: F401 - emails registers the e-mail builders
        from participants.documents import emails as document_emails  # noqa: F401
        from participants.documents import reminders as document_reminders  # noqa: F401 - registers its area
        from participants.documents import tasks  # noqa: F401 - not found by autodiscovery (a sub-package)
        from participants.reminders import handover, journey  # noqa: F401 - register their reminder areas
        from participants.selectors import participant_subjects_matching

        auditlog.register(models.Participant)
        auditlog.register(models.Enrollment, exclude_fields=["version"])
        auditlog.register(models.Activity, exclude_fields=["version"])
        auditlog.register(models.ActivityGroup, exclude_fields=["version"], m2m_fields={"members"})
        auditlog.register(models.GroupSession, exclude_fields=["version"])
        auditlog.register(models.PhasePeriod)
        auditlog.register(models.Extension)
        auditlog.register(models.Closure)
        auditlog.register(models.FollowUp)
        auditlog.register(models.PhaseRequirement)
        auditlog.register(models.ActivityType)
        auditlog.register(models.Document, exclude_fields=["revision", "updated_at", "render_attempts", "render_error"])
        auditlog.register(models.Contact)
        register_person_finder(participant_subjects_matching)
