from __future__ import annotations

from ist.questionnaires import views

app_name = "questionnaires"
urlpatterns = views.urlpatterns
