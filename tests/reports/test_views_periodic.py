"""Rapporter: the page, asking for a build, the polled row and the download of the stored files."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reports import services
from reports.models import ReportFile
from reports.services import recent_labels
from teams.models import Membership, Team
from tests.factories import UserFactory, member
from tests.reports import dataset

pytestmark = [pytest.mark.django_db, pytest.mark.template_context]  # reads response.context (tests/rendering.py)
Role = Membership.Role
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def data():
    return dataset.build()


@pytest.fixture
def steering():
    return UserFactory(is_steering_group=True)


def built(teams: list[Team], label: str = "2026Q3", kind: str = "quarterly") -> ReportFile:
    report = services.report_request(kind=kind, label=label, teams=teams, by=None)
    services.report_build(report_id=report.pk)
    report.refresh_from_db()
    return report


def url(name: str, kind: str = "quarterly", label: str = "2026Q3", team: str = "") -> str:
    return reverse(f"reports:{name}", args=[kind, label]) + (f"?team={team}" if team else "")


def test_recent_labels_are_the_finished_periods_newest_first() -> None:
    assert recent_labels(date(2026, 12, 1)) == {
        "quarterly": ["2026Q3", "2026Q2", "2026Q1", "2025Q4"],
        "halfyear": ["2026H1", "2025H2"],
    }
    assert recent_labels(date(2026, 1, 1))["halfyear"] == ["2025H2", "2025H1"]


def test_the_page_lists_each_team_and_all_with_their_state(client, data, steering) -> None:
    built([data["a"]], label=recent_labels(timezone.localdate())["quarterly"][0])
    client.force_login(steering)
    response = client.get(reverse("reports:reports"))
    assert response.status_code == 200
    (_kind, _title, rows), _halfyear = response.context["kinds"]
    teams = Team.objects.filter(active=True).count()
    assert len(rows) == 4 * (teams + 1)
    assert rows[0].scope == "Alla team"  # first: the one most often asked for
    ready = [r for r in rows if r.report is not None]
    assert [(r.slug, r.report.status) for r in ready] == [("halmstad-hylte", ReportFile.Status.READY)]
    html = response.content.decode()
    assert "Skapa på nytt" in html
    assert "Skapa rapport" in html
    assert "skapas automatiskt 7 dagar efter" in html  # IST_REPORT_BUILD_AFTER_DAYS


def test_the_page_takes_the_same_queries_whatever_is_stored(client, data, steering, django_assert_num_queries):
    client.force_login(steering)
    client.get(reverse("reports:reports"))
    with django_assert_num_queries(8) as first:
        client.get(reverse("reports:reports"))
    label = recent_labels(timezone.localdate())["quarterly"]
    for team in Team.objects.filter(active=True):
        built([team], label=label[0])
        services.report_request(kind="quarterly", label=label[1], teams=[team], by=None)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse("reports:reports"))


def test_a_coordinator_of_one_team_sees_that_team_only(client, data) -> None:
    client.force_login(member(Role.KOORDINATOR))
    (_kind, _title, rows), _halfyear = client.get(reverse("reports:reports")).context["kinds"]
    assert {r.scope for r in rows} == {"IST Halmstad/Hylte"}  # no "all your teams" row for one team


def test_asking_for_a_report_by_htmx_returns_the_row_building(
    client, data, steering, django_capture_on_commit_callbacks
):
    client.force_login(steering)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url("report_request"), {"team": "varberg"}, **HTMX)
        again = client.post(url("report_request"), {"team": "varberg"}, **HTMX)  # a double click
    assert response.status_code == again.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<tr id="rapport-quarterly-2026Q3-varberg"')
    assert 'hx-trigger="every 3s"' in html  # the row polls until the report is built
    assert "Skapas …" in html
    assert "<form" not in html
    assert len(callbacks) == 1
    report = ReportFile.objects.get()
    assert (report.scope, report.requested_by) == ("IST Varberg", steering)


def test_asking_without_javascript_redirects_to_the_row_with_a_message(client, data, steering) -> None:
    client.force_login(steering)
    response = client.post(url("report_request"), {"team": ""}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:reports") + "#rapport-quarterly-2026Q3-alla"
    assert "Rapporten skapas." in response.content.decode()
    assert ReportFile.objects.get().scope == "Alla team"


def test_a_rebuild_carries_the_generation_it_saw(client, data, steering) -> None:
    report = built([data["b"]])
    client.force_login(steering)
    client.post(url("report_request"), {"team": "varberg", "generation": "1"}, **HTMX)
    client.post(url("report_request"), {"team": "varberg", "generation": "1"}, **HTMX)
    report.refresh_from_db()
    assert (report.status, report.generation) == (ReportFile.Status.PENDING, 2)
    row = client.get(url("report_row", team="varberg"), **HTMX).content.decode()
    assert "Skapas på nytt …" in row
    assert "XLSX" in row  # the earlier build can still be downloaded


def test_the_polled_row_stops_polling_once_built(client, data, steering) -> None:
    report = services.report_request(kind="quarterly", label="2026Q3", teams=[data["b"]], by=None)
    client.force_login(steering)
    assert 'hx-trigger="every 3s"' in client.get(url("report_row", team="varberg"), **HTMX).content.decode()
    services.report_build(report_id=report.pk)
    row = client.get(url("report_row", team="varberg"), **HTMX).content.decode()
    assert "hx-trigger" not in row
    assert "Skapad <time" in row
    # Without htmx the row's address is the page.
    plain = client.get(url("report_row", team="varberg"))
    assert plain.status_code == 302
    assert plain.url == reverse("reports:reports") + "#rapport-quarterly-2026Q3-varberg"


def test_a_report_not_built_yet_is_not_built_by_the_download(client, data, steering) -> None:
    client.force_login(steering)
    response = client.get(url("report_pdf", team="varberg"))
    assert response.status_code == 409
    assert "har inte skapats än" in response.content.decode()
    assert not ReportFile.objects.exists()
    services.report_request(kind="quarterly", label="2026Q3", teams=[data["b"]], by=None)
    assert "skapas just nu" in client.get(url("report_pdf", team="varberg")).content.decode()


def test_the_download_serves_the_stored_bytes(client, data, steering) -> None:
    report = built([data["b"]])
    client.force_login(steering)
    response = client.get(url("report_xlsx", team="varberg"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ist-quarterly-2026Q3-varberg.xlsx"'
    body = response.content
    assert body == report.xlsx.read()
    rows = list(load_workbook(io.BytesIO(body)).worksheets[0].iter_rows(values_only=True))
    assert rows[2][:2] == ("Omfattning", "IST Varberg")
    pdf = client.get(url("report_pdf", team="varberg"))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_a_changed_stored_file_is_refused(client, data, steering) -> None:
    report = built([data["b"]])
    with open(report.pdf.path, "ab") as stored:
        stored.write(b"changed")
    client.force_login(steering)
    response = client.get(url("report_pdf", team="varberg"))
    assert response.status_code == 500
    assert "stämmer inte" in response.content.decode()


def test_a_coordinator_reaches_only_their_own_teams_reports(client, data) -> None:
    built([data["b"]])
    client.force_login(member(Role.KOORDINATOR))
    assert client.get(url("report_pdf", team="varberg")).status_code == 404
    assert client.get(url("report_row", team="varberg"), **HTMX).status_code == 404
    assert client.post(url("report_request"), {"team": "varberg"}).status_code == 404
    assert not ReportFile.objects.filter(teams_key=str(data["a"].pk)).exists()
    # Their own team ("" is their one team) is theirs to build.
    assert client.post(url("report_request"), {"team": ""}, **HTMX).status_code == 200
    assert ReportFile.objects.filter(teams_key=str(data["a"].pk)).exists()


def test_a_mismatched_period_or_kind_is_404(client, data, steering) -> None:
    client.force_login(steering)
    assert client.post(url("report_request", kind="quarterly", label="2026H1")).status_code == 404
    assert client.post(url("report_request", kind="monthly")).status_code == 404
    assert client.post(url("report_request"), {"generation": "x"}).status_code == 404
    assert not ReportFile.objects.exists()


def test_roles_without_statistics_cannot_ask_for_a_report(client, data) -> None:
    client.force_login(member(Role.HANDLEDARE))
    assert client.post(url("report_request")).status_code == 403
    assert not ReportFile.objects.exists()


def test_a_mismatched_kind_and_period_is_404_on_every_url(client, data, steering) -> None:
    client.force_login(steering)
    for name in ("report_pdf", "report_xlsx"):
        assert client.get(url(name, kind="halfyear", label="2026Q3")).status_code == 404
        assert client.get(url(name, kind="quarterly", label="2026H1")).status_code == 404
    assert client.get(url("report_row", kind="halfyear", label="2026Q3"), **HTMX).status_code == 404


def test_a_period_that_has_not_ended_cannot_be_asked_for(client, data, steering) -> None:
    today = timezone.localdate()
    client.force_login(steering)
    current = f"{today.year}Q{(today.month - 1) // 3 + 1}"
    assert client.post(url("report_request", label=current), **HTMX).status_code == 404
    assert not ReportFile.objects.exists()


def test_a_coordinator_of_two_teams_shares_the_per_team_files_and_has_their_own_all(client, data) -> None:
    coordinator = member(Role.KOORDINATOR)
    Membership.objects.create(user=coordinator, team=data["b"], role=Role.KOORDINATOR)
    shared = built([data["b"]])  # e.g. built by the worker for the steering group
    client.force_login(coordinator)
    (_kind, _title, rows), _halfyear = client.get(reverse("reports:reports")).context["kinds"]
    assert [r.scope for r in rows[:3]] == ["Alla dina team", "IST Halmstad/Hylte", "IST Varberg"]
    assert rows[2].report == shared
    client.post(url("report_request"), {"team": ""}, **HTMX)
    mine = ReportFile.objects.exclude(pk=shared.pk).get()
    assert mine.scope == "IST Halmstad/Hylte, IST Varberg"
    services.report_build(report_id=mine.pk)
    response = client.get(url("report_pdf"))
    assert response["Content-Disposition"] == 'attachment; filename="ist-quarterly-2026Q3-alla-dina-team.pdf"'


def test_a_deactivated_teams_report_is_no_longer_offered(client, data, steering) -> None:
    built([data["b"]])
    Team.objects.filter(pk=data["b"].pk).update(active=False)
    client.force_login(steering)
    assert client.get(url("report_pdf", team="varberg")).status_code == 404
    (_kind, _title, rows), _halfyear = client.get(reverse("reports:reports")).context["kinds"]
    assert "IST Varberg" not in {r.scope for r in rows}


def test_a_row_stops_polling_after_a_while_and_says_so(client, data, steering) -> None:
    report = services.report_request(kind="quarterly", label="2026Q3", teams=[data["b"]], by=None)
    ReportFile.objects.filter(pk=report.pk).update(queued_at=timezone.now() - timedelta(minutes=11))
    client.force_login(steering)
    row = client.get(url("report_row", team="varberg"), **HTMX).content.decode()
    assert "hx-trigger" not in row
    assert "Det tar längre tid än vanligt" in row


def test_a_failed_report_says_so_and_offers_a_new_try(client, data, steering) -> None:
    report = services.report_request(kind="quarterly", label="2026Q3", teams=[data["b"]], by=None)
    ReportFile.objects.filter(pk=report.pk).update(status=ReportFile.Status.FAILED, build_error="OSError: x")
    client.force_login(steering)
    row = client.get(url("report_row", team="varberg"), **HTMX).content.decode()
    assert "Kunde inte skapas." in row
    assert "hx-trigger" not in row
    assert 'name="generation" value="1"' in row
    assert "Försök igen" in row
    again = client.post(url("report_request"), {"team": "varberg", "generation": "1"}, **HTMX).content.decode()
    assert "Skapas …" in again


def test_a_stale_rebuild_without_javascript_says_the_report_is_already_built(client, data, steering) -> None:
    report = built([data["b"]])
    services.report_request(kind="quarterly", label="2026Q3", teams=[data["b"]], by=None, seen_generation=1)
    services.report_build(report_id=report.pk)  # someone else's rebuild, done
    client.force_login(steering)
    response = client.post(url("report_request"), {"team": "varberg", "generation": "1"}, follow=True)
    assert "Rapporten är redan skapad." in response.content.decode()
    report.refresh_from_db()
    assert (report.status, report.generation) == (ReportFile.Status.READY, 2)
