from __future__ import annotations

from participants.views import (
    agenda,
    delivery,
    documents,
    enrolment,
    groups,
    history,
    journey,
    privacy,
    transfer,
    week,
)

app_name = "participants"
urlpatterns = [
    *enrolment.urlpatterns,
    *week.urlpatterns,
    *groups.urlpatterns,
    *history.urlpatterns,
    *journey.urlpatterns,
    *documents.urlpatterns,
    *delivery.urlpatterns,
    *privacy.urlpatterns,
    *transfer.urlpatterns,
    *agenda.urlpatterns,
]
