from __future__ import annotations

from reports.views import dashboard, drilldown, exports, participant_export, periodic, statistics

app_name = "reports"
urlpatterns = [
    *statistics.urlpatterns,
    *exports.urlpatterns,
    *drilldown.urlpatterns,
    *dashboard.urlpatterns,
    *periodic.urlpatterns,
    *participant_export.urlpatterns,
]
