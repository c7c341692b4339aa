"""Fixtures of the documents tests."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.core import mail

from teams.demo import seed_organisation
from tests.participants.documents import builders


@pytest.fixture
def enrollment(journey):
    """world["enrollment"] in Arbetsförberedande (entered 20 days ago), where plans begin."""
    builders.phase_two(journey["enrollment"], journey["handledare"])
    return journey["enrollment"]


@pytest.fixture
def seeded_journey(transactional_db, request):
    """`journey` in a transactional database (which starts empty), in Arbetsförberedande."""
    # The transactional database starts empty: the organisation and the rows data migrations made.
    seed_organisation()
    import_module("referrals.migrations.0002_support_kinds").create(apps, None)
    import_module("participants.migrations.0002_seed_rules_and_lists").seed(apps, None)
    journey = request.getfixturevalue("journey")
    builders.phase_two(journey["enrollment"], journey["handledare"])
    mail.outbox.clear()
    return journey
