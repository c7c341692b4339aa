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
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
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


def _enrolments(count: int, start: int) -> None:
    """`count` plain enrolments in Halmstad/Hylte in 2026, written with bulk_create."""
    from datetime import date

    from participants.models import Enrollment
    from teams.models import Team

    team = Team.objects.get(slug="halmstad-hylte")
    handledare = UserFactory.create()
    people = Participant.objects.bulk_create(
        Participant(
            personnummer=f"198500{start + i:06d}",  # month 00: never a real person
            first_name="Deltagare",
            last_name=f"Nummer{i}",
            municipality=team.municipalities.first(),
            sex=Participant.Sex.FEMALE,
            birth_year=1985,
        )
        for i in range(count)
    )
    Enrollment.objects.bulk_create(
        Enrollment(
            participant=p,
            team=team,
            responsible=handledare,
            created_by=handledare,
            start_date=date(2026, 2, 1),
            target_end=date(2027, 6, 1),
        )
        for p in people
    )


def _export_peak(client) -> tuple[int, int, int]:
    """(peak bytes allocated while the whole export streams, its CSV rows, its SQL queries)."""
    import tracemalloc

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tracemalloc.start()
    try:
        with CaptureQueriesContext(connection) as queries:
            response = client.post(reverse(URL), {"fran": "2026-01-01", "till": "2026-12-31", "reason": REASON})
            lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, lines - 1, len(queries)


def test_the_export_streams_in_batches_with_memory_that_does_not_grow_with_rows(client, monkeypatch) -> None:
    from reports.views import participant_export as view

    monkeypatch.setattr(view, "BATCH", 25)
    client.force_login(UserFactory(is_administrator=True))
    client.post(reverse(URL), {"fran": "2026-01-01", "till": "2026-12-31", "reason": REASON})  # warm up
    _enrolments(100, 0)
    small, rows_small, queries_small = _export_peak(client)
    _enrolments(300, 100)
    large, rows_large, queries_large = _export_peak(client)
    assert (rows_small, rows_large) == (100, 400)
    # Four times the rows, the same peak (one batch in memory); a list of all rows would grow 4x.
    assert large < small * 1.5
    # Every row logged, in one INSERT per batch: the log's queries grow by batch, not by row.
    logged = LogEntry.objects.filter(additional_data__what=f"deltagarexport: {REASON}")
    assert logged.count() == 500
    assert queries_large - queries_small <= 2 * (400 - 100) // 25
