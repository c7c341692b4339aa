"""Fixtures of the documents tests."""

from __future__ import annotations

import pytest
from django.core import mail

from tests.databases import seed_reference_data
from tests.participants.documents import builders


@pytest.fixture
def enrollment(journey):
    """world["enrollment"] in Arbetsförberedande (entered 20 days ago), where plans begin."""
    builders.phase_two(journey["enrollment"], journey["handledare"])
    return journey["enrollment"]


@pytest.fixture
def seeded_journey(transactional_db, request):
    """`journey` in a transactional database (which starts empty), in Arbetsförberedande."""
    seed_reference_data()  # the transactional database starts empty
    journey = request.getfixturevalue("journey")
    builders.phase_two(journey["enrollment"], journey["handledare"])
    mail.outbox.clear()
    return journey
