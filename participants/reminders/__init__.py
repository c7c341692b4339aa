"""The participants app's reminder areas: the journey's deadlines (`journey`) and the work a
deactivated user left behind (`handover`). Each module registers its area with
`ist/reminders/registry.py` when imported (ParticipantsConfig.ready)."""
