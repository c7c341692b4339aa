from __future__ import annotations

from reports.views import dashboard, exports, periodic, statistics

app_name = "reports"
urlpatterns = [*statistics.urlpatterns, *exports.urlpatterns, *dashboard.urlpatterns, *periodic.urlpatterns]
