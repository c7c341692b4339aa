from __future__ import annotations

from referrals.views import letters, lifecycle, meetings, referrer, triage

app_name = "referrals"
urlpatterns = [
    *referrer.urlpatterns,
    *triage.urlpatterns,
    *meetings.urlpatterns,
    *letters.urlpatterns,
    *lifecycle.urlpatterns,
]
