"""The participant-level export: administrators only, a stated reason, every row logged, no protected identity."""

from __future__ import annotations

import csv
import io

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from participants.models import Participant
from teams.models import Membership
from tests.factories import UserFactory, member
from tests.reports import dataset

pytestmark = pytest.mark.django_db
URL = "reports:participant_export"
REASON = "Förbundets uppföljning 2026 (beslut i styrgruppen)"


@pytest.fixture
def data():
    return dataset.build()


def test_admin_exports_with_a_reason_and_every_row_is_logged(client, data) -> None:
    Participant.objects.filter(first_name="P4").update(protected_identity=True)
    client.force_login(UserFactory(is_administrator=True))
    response = client.post(reverse(URL), {"fran": "2026-07-01", "till": "2026-09-30", "reason": REASON})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Inskrivning", "Personnummer", "Team"]
    # present in Q3: E1, E2 (A), E5 (B); E4 is protected and left out
    assert sorted(r[1] for r in rows[1:]) == ["198501010005", "199001010001", "200001010002"]
    e2 = next(r for r in rows[1:] if r[1] == "200001010002")
    assert e2[7:10] == ["2026-09-20", "Arbete", "Sjukpenning inkl. rehabiliteringspenning"]
    logged = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__what=f"deltagarexport: {REASON}")
    assert logged.count() == 3


def test_missing_reason_is_explained_and_the_dates_kept(client, data) -> None:
    client.force_login(UserFactory(is_administrator=True))
    response = client.post(reverse(URL), {"fran": "2026-07-01", "till": "2026-09-30", "reason": "kort"})
    html = response.content.decode()
    assert "Skriv skälet med minst 10 tecken." in html
    assert 'value="2026-07-01"' in html
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


@pytest.mark.parametrize("who", ["steering", "koordinator"])
def test_only_administrators_may_export(client, data, who) -> None:
    user = UserFactory(is_steering_group=True) if who == "steering" else member(Membership.Role.KOORDINATOR)
    client.force_login(user)
    response = client.post(reverse(URL), {"fran": "2026-07-01", "till": "2026-09-30", "reason": REASON})
    assert response.status_code == 403
