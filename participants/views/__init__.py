"""Views by job: enrolment.py (enrol, participant page, corrections), week.py (Min vecka, activities,
group sessions), journey.py (phases, extensions, caseload, closure, follow-up). Each declares `urlpatterns`."""
