"""`seed_demo --scale N` multiplies the demo journeys, once."""

from __future__ import annotations

import pytest

from participants.models import Activity, Enrollment, Participant
from reports.demo import scale_demo

pytestmark = pytest.mark.django_db


def test_scale_copies_the_demo_and_a_second_run_adds_nothing(demo) -> None:
    enrollments, activities = Enrollment.objects.count(), Activity.objects.count()
    assert scale_demo(3) == {"copies_made": 2, "enrollments": 3 * enrollments, "activities": 3 * activities}
    assert scale_demo(3)["copies_made"] == 0
    # Copies are new people with an impossible month in the personnummer (21–39).
    assert Participant.objects.filter(personnummer__regex=r"^\d{4}2[12]").count() == 2 * enrollments
