"""Stored reports: asking for one, building it once, rebuilding, failures and the standard reports."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from ist.outbox.models import Message
from reports import periodic, services, tasks
from reports.models import ReportFile
from teams.models import Team
from tests.factories import UserFactory
from tests.reports import dataset

pytestmark = pytest.mark.django_db
Status = ReportFile.Status
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def data():
    return dataset.build()


def pdf_fails(monkeypatch: pytest.MonkeyPatch, message: str) -> None:
    """Every PDF rendering raises OSError(message) until monkeypatch.undo()."""

    def broken(built: periodic.Report) -> object:
        raise OSError(message)

    monkeypatch.setattr(periodic, "pdf", broken)


def request(teams: list[Team], **kw) -> ReportFile:
    return services.report_request(kind="quarterly", label="2026Q3", teams=teams, by=kw.pop("by", None), **kw)


def test_a_first_request_stores_a_pending_report_and_queues_one_build(data, django_capture_on_commit_callbacks):
    user = UserFactory.create(is_steering_group=True)
    with django_capture_on_commit_callbacks() as callbacks:
        report = request([data["a"], data["b"]], by=user)
        again = request([data["b"], data["a"]], by=user)  # the same teams in another order: the same report
    assert again.pk == report.pk
    assert report.status == Status.PENDING
    assert report.teams_key == f"{min(data['a'].pk, data['b'].pk)},{max(data['a'].pk, data['b'].pk)}"
    assert report.scope == "IST Halmstad/Hylte, IST Varberg"
    assert report.requested_by == user
    assert len(callbacks) == 1
    assert ReportFile.objects.count() == 1


def test_every_active_team_is_called_all_teams() -> None:
    report = request(list(Team.objects.filter(active=True)))
    assert report.scope == "Alla team"


def test_a_period_that_does_not_fit_the_kind_is_refused(data) -> None:
    with pytest.raises(ValueError, match="2026H1"):
        services.report_request(kind="quarterly", label="2026H1", teams=[data["a"]], by=None)
    assert not ReportFile.objects.exists()


def test_a_build_stores_the_pdf_and_xlsx_with_their_sha256_once(data) -> None:
    report = request([data["a"]])
    assert services.report_build(report_id=report.pk) is True
    report.refresh_from_db()
    assert report.status == Status.READY
    assert report.built_at is not None
    assert report.build_attempts == 1
    pdf, xlsx = report.pdf.read(), report.xlsx.read()
    assert hashlib.sha256(pdf).hexdigest() == report.pdf_sha256
    assert hashlib.sha256(xlsx).hexdigest() == report.xlsx_sha256
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Kvartalsrapport till styrgruppen 2026Q3" in text
    assert "IST Halmstad/Hylte" in text
    rows = list(load_workbook(io.BytesIO(xlsx)).worksheets[0].iter_rows(values_only=True))
    assert rows[2][:2] == ("Omfattning", "IST Halmstad/Hylte")
    # named by report and build (the storage adds a suffix should the name be taken)
    assert re.fullmatch(r"reports/\d{4}/ist-quarterly-2026Q3-halmstad-hylte-1(_\w+)?\.pdf", report.pdf.name)

    # A second run (a redelivered task) finds it built and changes nothing.
    assert services.report_build(report_id=report.pk) is False
    report.refresh_from_db()
    assert report.build_attempts == 1


def test_the_stored_file_has_the_same_numbers_as_a_fresh_build(data) -> None:
    report = request([data["a"]])
    services.report_build(report_id=report.pk)
    report.refresh_from_db()
    fresh = periodic.xlsx(
        periodic.build("quarterly", "2026Q3", Team.objects.filter(pk=data["a"].pk), scope=report.scope)
    )
    stored = report.xlsx.read()
    assert [list(r) for r in load_workbook(io.BytesIO(stored)).worksheets[0].iter_rows(values_only=True)] == [
        list(r) for r in load_workbook(io.BytesIO(fresh)).worksheets[0].iter_rows(values_only=True)
    ]


def test_a_rebuild_is_asked_for_once_and_replaces_the_files(data, django_capture_on_commit_callbacks) -> None:
    report = request([data["a"]])
    services.report_build(report_id=report.pk)
    report.refresh_from_db()
    old_pdf = report.pdf.name
    storage = report.pdf.storage

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rebuilt = request([data["a"]], seen_generation=1)
        twice = request([data["a"]], seen_generation=1)  # a double submit of the same form
    assert len(callbacks) == 1
    assert rebuilt.status == twice.status == Status.PENDING
    assert twice.generation == 2
    assert rebuilt.has_files  # the previous build stays downloadable meanwhile

    with django_capture_on_commit_callbacks(execute=True):
        assert services.report_build(report_id=report.pk) is True
    report.refresh_from_db()
    assert report.status == Status.READY
    assert re.fullmatch(r"reports/\d{4}/ist-quarterly-2026Q3-halmstad-hylte-2(_\w+)?\.pdf", report.pdf.name)
    assert not storage.exists(old_pdf)
    assert storage.exists(report.pdf.name)


def test_a_rebuild_based_on_an_older_build_changes_nothing(data) -> None:
    report = request([data["a"]])
    services.report_build(report_id=report.pk)
    request([data["a"]], seen_generation=1)
    services.report_build(report_id=report.pk)
    stale = request([data["a"]], seen_generation=1)  # a form opened before the second build
    assert stale.status == Status.READY
    assert stale.generation == 2


def test_a_failed_build_stays_pending_with_the_error_and_is_raised(data, monkeypatch) -> None:
    report = request([data["a"]])

    pdf_fails(monkeypatch, "disk full")
    with pytest.raises(OSError, match="disk full"):
        services.report_build(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == Status.PENDING
    assert report.build_attempts == 1
    assert report.build_error == "OSError: disk full"
    assert not report.has_files


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 10, 7), {"quarterly": "2026Q2", "halfyear": "2026H1"}),  # Q3 ended 6 days ago
        (date(2026, 10, 8), {"quarterly": "2026Q3", "halfyear": "2026H1"}),
        (date(2026, 1, 7), {"quarterly": "2025Q3", "halfyear": "2025H1"}),
        (date(2026, 1, 8), {"quarterly": "2025Q4", "halfyear": "2025H2"}),
        (date(2026, 7, 8), {"quarterly": "2026Q2", "halfyear": "2026H1"}),
        (date(2026, 4, 8), {"quarterly": "2026Q1", "halfyear": "2025H2"}),
    ],
)
def test_the_last_finished_periods_wait_the_configured_days(settings, today, expected) -> None:
    settings.IST_REPORT_BUILD_AFTER_DAYS = 7
    assert services.last_finished_labels(today) == expected


def test_the_standard_reports_are_all_teams_and_each_team_once(data, django_capture_on_commit_callbacks) -> None:
    teams = Team.objects.filter(active=True).count()
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.standard_reports_request(today=date(2026, 10, 20)) == 2 * (1 + teams)
        assert services.standard_reports_request(today=date(2026, 10, 20)) == 0
    assert len(callbacks) == 2 * (1 + teams)
    assert set(ReportFile.objects.values_list("label", flat=True)) == {"2026Q3", "2026H1"}
    assert ReportFile.objects.filter(scope="Alla team").count() == 2
    assert ReportFile.objects.filter(scope="IST Varberg", kind="halfyear").count() == 1


def test_the_sweep_asks_for_the_standard_reports_and_sends_again_only_lost_builds(data, monkeypatch) -> None:
    standard = 2 * (1 + Team.objects.filter(active=True).count())
    now = timezone.now()

    def old_request(team: Team, label: str, *, queued_ago: timedelta, attempts: int = 0) -> ReportFile:
        # Old quarters, not standard reports: the standard ones are all still missing.
        report = services.report_request(kind="quarterly", label=label, teams=[team], by=None)
        ReportFile.objects.filter(pk=report.pk).update(queued_at=now - queued_ago, build_attempts=attempts)
        return report

    never_tried = old_request(data["a"], "2025Q1", queued_ago=timedelta(minutes=11))
    old_request(data["b"], "2025Q1", queued_ago=timedelta(minutes=2))  # its task is still on its way
    old_request(data["a"], "2025Q2", queued_ago=timedelta(minutes=40), attempts=3)  # retrying: waits
    lost_retrying = old_request(data["b"], "2025Q2", queued_ago=timedelta(hours=3), attempts=3)

    # The outbox handed each build over and saw it end (a lost message is the outbox's to hand over
    # again while its row is open; the sweep leaves an open one alone, see the next test).
    Message.objects.update(status=Message.Status.DONE)
    assert tasks.sweep_reports_files() == {"requested": standard, "requeued": 2}
    # (the standard reports' builds are queued through the outbox, as any request's)
    queued = [m.args[0] for m in Message.objects.filter(key__contains=":sweep-")]
    assert sorted(queued) == sorted([never_tried.pk, lost_retrying.pk])
    # Sent again just now: the next sweep leaves them to that task.
    assert tasks.sweep_reports_files() == {"requested": 0, "requeued": 0}


def test_the_sweep_leaves_a_build_the_outbox_still_holds(data) -> None:
    """A build waiting in the outbox (the broker was down) or handed over is not sent a second time:
    one chain of tries per report."""
    report = services.report_request(kind="quarterly", label="2025Q1", teams=[data["a"]], by=None)
    ReportFile.objects.filter(pk=report.pk).update(queued_at=timezone.now() - timedelta(hours=3))
    assert Message.objects.get(args=[report.pk]).status == Message.Status.PENDING
    assert tasks.sweep_reports_files()["requeued"] == 0
    Message.objects.filter(args=[report.pk]).update(status=Message.Status.FAILED)  # its tries ended
    assert tasks.sweep_reports_files()["requeued"] == 1


def test_a_report_built_before_the_numbers_settled_is_rebuilt_once(data, settings) -> None:
    settings.IST_REPORT_BUILD_AFTER_DAYS = 7
    today = date(2026, 10, 20)  # 2026Q3 ended 09-30; its numbers count as settled from 10-07
    services.standard_reports_request(today=today)
    early = ReportFile.objects.get(kind="quarterly", label="2026Q3", scope="IST Varberg")
    services.report_build(report_id=early.pk)
    ReportFile.objects.filter(pk=early.pk).update(built_at=datetime(2026, 10, 2, 9, tzinfo=STOCKHOLM))
    settled = ReportFile.objects.get(kind="quarterly", label="2026Q3", scope="IST Laholm")
    services.report_build(report_id=settled.pk)

    assert services.standard_reports_request(today=today) == 1
    early.refresh_from_db()
    assert (early.status, early.generation) == (Status.PENDING, 2)
    settled.refresh_from_db()
    assert (settled.status, settled.generation) == (Status.READY, 1)
    services.report_build(report_id=early.pk)
    assert services.standard_reports_request(today=today) == 0


def test_a_period_that_has_not_ended_is_not_built(data) -> None:
    today = timezone.localdate()
    current = f"{today.year}Q{(today.month - 1) // 3 + 1}"
    with pytest.raises(ValueError, match="has not ended"):
        services.report_request(kind="quarterly", label=current, teams=[data["a"]], by=None)
    assert not ReportFile.objects.exists()


def test_a_build_that_keeps_failing_is_failed_and_can_be_tried_again(data, monkeypatch) -> None:
    report = request([data["a"]])
    ReportFile.objects.filter(pk=report.pk).update(build_attempts=services.MAX_ATTEMPTS - 1)

    pdf_fails(monkeypatch, "no fonts")
    with pytest.raises(OSError, match="no fonts"):
        services.report_build(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == Status.FAILED
    assert report.build_error == "OSError: no fonts"
    assert services.report_build(report_id=report.pk) is False  # a retry still queued does nothing

    monkeypatch.undo()
    again = request([data["a"]], seen_generation=report.generation)
    assert (again.status, again.build_attempts, again.build_error) == (Status.PENDING, 0, "")
    assert services.report_build(report_id=report.pk) is True


def test_files_written_before_a_failed_save_are_removed(data, monkeypatch) -> None:
    report = request([data["a"]])
    storage = report.pdf.storage
    folder = f"reports/{timezone.now():%Y}"
    before = set(storage.listdir(folder)[1]) if storage.exists(folder) else set()

    def refused(self, *args, **kwargs) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(ReportFile, "save", refused)
    with pytest.raises(RuntimeError):
        services.report_build(report_id=report.pk)
    assert set(storage.listdir(folder)[1]) == before
