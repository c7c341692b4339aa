from __future__ import annotations

from referrals.views import lifecycle, meetings, referrer, triage

app_name = "referrals"
urlpatterns = [*referrer.urlpatterns, *triage.urlpatterns, *meetings.urlpatterns, *lifecycle.urlpatterns]
