"""Views by who uses them: referrer.py (inremittent), triage.py (teamkoordinator), meetings.py
(samverkansteam meetings and information meetings). Each module declares its `urlpatterns`."""
