"""The letterhead and the content of each document kind, checked by rendering the PDF as the task
does and reading it back with pypdf: text, pages, the embedded logo and the bookmarks (structure)."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from ist.pdf.fetching import RefusedURLError, StaticOnlyFetcher
from ist.pdf.letterhead import Addressee, letterhead_for, logo_root
from ist.uploads import ImageUploadField
from participants import services as journey_services
from participants.documents import services
from participants.documents.inputs import DocumentContent
from participants.documents.models import Document
from participants.documents.selectors import attendance_for, hours_total
from participants.models import ActivityKind, Closure, Occupation
from referrals.models import SupportKind
from teams.models import Letterhead
from tests.participants.documents import builders

pytestmark = pytest.mark.django_db


def png(width: int = 240, height: int = 80) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (0, 80, 122)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def letterhead(journey):
    """The installation's letterhead with a logo, and the team's address and phone."""
    stored = Letterhead(pk=1, name="Samordningsförbundet i Halland", address="Box 123\n301 05 Halmstad")
    stored.logo.save("fil.png", ContentFile(png()), save=False)
    stored.save()
    team = journey["enrollment"].team
    team.address, team.phone, team.email = "Stationsgatan 1\n302 45 Halmstad", "035-12 34 56", "ist@example.se"
    team.save()
    return stored


def rendered(document: Document) -> PdfReader:
    """Render the document's PDF as the task does and read it back."""
    assert services.document_render(document_id=document.pk)
    document.refresh_from_db()
    return PdfReader(io.BytesIO(document.pdf.read()))


def text(reader: PdfReader) -> str:
    """The text of every page, whitespace collapsed (table cells wrap their lines)."""
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def first_page_of(reader: PdfReader) -> str:
    return " ".join(reader.pages[0].extract_text().split())


def bookmarks(reader: PdfReader) -> list[str]:
    titles: list[str] = []

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


def test_plan_has_letterhead_addressee_references_and_signature_lines(journey, enrollment, letterhead):
    handledare, referrer = journey["handledare"], journey["referrer"]
    plan = builders.complete_plan(
        services.document_start(enrollment=enrollment, kind=Document.Kind.ACTION_PLAN, by=handledare), handledare
    )
    plan = services.document_finalise(document=plan, by=handledare, expected_revision=plan.revision)
    reader = rendered(plan)
    content = text(reader)
    first_page = first_page_of(reader)

    # The sender: the association with its address and logo, the team with address, phone and e-mail.
    for expected in ("Samordningsförbundet i Halland", "Box 123", "301 05 Halmstad", "Stationsgatan 1"):
        assert expected in first_page
    assert "Telefon 035-12 34 56" in first_page
    assert "ist@example.se" in first_page
    assert len(reader.pages[0].images) == 1  # the logo, read through the fetcher
    # The addressee: the referrer and their organisation.
    addressee = Addressee.of(referrer)
    assert addressee.name in first_page
    assert addressee.organisation
    assert addressee.organisation.split(",")[0] in first_page
    # What it answers and rests on.
    referral = enrollment.referral
    assert f"Remiss {referral.pk}" in first_page
    assert f"Lämnat skriftligt {referral.consent_date:%Y-%m-%d}; gäller: Inremittentens organisation" in first_page
    assert "Försäkringskassan" in first_page
    assert f"{plan.reference}, version 1" in first_page
    # Page numbers and the document id on every page, as before.
    for number, page in enumerate(reader.pages, start=1):
        assert f"Sida {number} av {len(reader.pages)}" in page.extract_text()
        assert plan.reference in page.extract_text()
    # The plan: period, sub-goals with who and by when, signature lines and the returned-copy field.
    assert f"{plan.period_start:%Y-%m-%d} – {plan.period_end:%Y-%m-%d}" in content
    assert "Åka buss på egen hand till träningen" in content
    assert "Vem gör det" in content
    assert "Deltagaren" in content
    assert f"{timezone.localdate() + timedelta(days=60):%Y-%m-%d}" in content
    participant = enrollment.participant
    assert f"Deltagare: {participant.first_name} {participant.last_name}" in content
    assert f"Handledare: {handledare.get_full_name()}" in content
    assert "Underskriven kopia återkom till IST: ____" in content
    # Structure: the headings are the PDF's bookmarks, in order.
    titles = bookmarks(reader)
    assert titles.index("Delmål") < titles.index("Överenskommelse och underskrifter")


def test_signed_copy_returned_date_is_printed_when_known(journey, enrollment, letterhead):
    handledare = journey["handledare"]
    plan = builders.complete_plan(
        services.document_start(enrollment=enrollment, kind=Document.Kind.ACTION_PLAN, by=handledare), handledare
    )
    returned = timezone.localdate()
    plan = services.document_save_draft(
        document=plan,
        by=handledare,
        expected_revision=plan.revision,
        content=DocumentContent.of(plan, signed_returned_on=returned),
    )
    plan = services.document_finalise(document=plan, by=handledare, expected_revision=plan.revision)
    assert f"Underskriven kopia återkom till IST: {returned:%Y-%m-%d}" in text(rendered(plan))


def test_report_has_hours_per_week_and_assessment(journey, enrollment, letterhead):
    handledare = journey["handledare"]
    today = timezone.localdate()
    # journey already holds one 60-minute talk yesterday (present). Add: 2 h work training present,
    # 1.5 h work training excused (booked, not attended).
    for minutes, attendance in ((120, "present"), (90, "excused")):
        journey_services.activity_log(
            enrollment=enrollment,
            kind=ActivityKind.WORK_TRAINING,
            day=today - timedelta(days=2),
            attendance=attendance,
            duration_minutes=minutes,
            note="",
            by=handledare,
        )
    report = services.document_start(enrollment=enrollment, kind=Document.Kind.REPORT, by=handledare)
    report = services.document_save_draft(
        document=report,
        by=handledare,
        expected_revision=report.revision,
        content=DocumentContent.of(report, period_start=today - timedelta(days=13), period_end=today),
    )
    report = builders.complete_report(report, handledare)
    report = services.document_finalise(document=report, by=handledare, expected_revision=report.revision)
    rows = {row["kind"]: row for row in report.attendance}
    weeks = rows[ActivityKind.WORK_TRAINING]["weeks"]
    assert weeks in (2, 3)  # 14 days touch two or three ISO weeks
    assert rows[ActivityKind.WORK_TRAINING]["planned_minutes"] == 210
    assert rows[ActivityKind.WORK_TRAINING]["attended_minutes"] == 120
    assert rows[ActivityKind.WORK_TRAINING]["planned_hours_per_week"] == round(3.5 / weeks, 1)
    assert rows[ActivityKind.WORK_TRAINING]["attended_hours_per_week"] == round(2 / weeks, 1)
    assert hours_total(report.attendance) == {"planned": round(4.5 / weeks, 1), "attended": round(3 / weeks, 1)}

    content = text(rendered(report))
    assert "Timmar per vecka" in content
    assert f"{round(3.5 / weeks, 1):.1f}".replace(".", ",") in content  # Swedish decimal comma
    assert "Bedömning" in content
    assert "Närvaron motsvarar planen; redo för arbetsträning på en arbetsplats." in content
    assert "Närvaro per aktivitet" in content  # counts per activity kind as before


def test_report_is_not_final_without_assessment(journey, enrollment):
    handledare = journey["handledare"]
    report = services.document_start(enrollment=enrollment, kind=Document.Kind.REPORT, by=handledare)
    report = services.document_save_draft(
        document=report,
        by=handledare,
        expected_revision=report.revision,
        content=DocumentContent.of(report, progress="Framåt.", next_steps="Praktik."),
    )
    with pytest.raises(services.Incomplete) as refused:
        services.document_finalise(document=report, by=handledare, expected_revision=report.revision)
    assert refused.value.missing == ["Bedömning."]


def test_hours_need_no_extra_query_per_activity_kind(journey, enrollment, django_assert_num_queries):
    today = timezone.localdate()
    with django_assert_num_queries(3):
        rows = attendance_for(enrollment, today - timedelta(days=30), today)
    assert len(rows) == len(ActivityKind.values)


def test_closing_summary_has_closing_date_reason_and_situation_after(journey, letterhead):
    handledare, closed = journey["handledare"], journey["closed"]
    occupation, support = Occupation.objects.order_by("pk").first(), SupportKind.objects.order_by("pk").first()
    assert occupation is not None
    assert support is not None
    Closure.objects.filter(enrollment=closed).update(
        occupation_after=occupation, occupation_after_extent=50, support_after=support
    )
    closing = builders.complete_closing(
        services.document_start(enrollment=closed, kind=Document.Kind.CLOSING, by=handledare), handledare
    )
    closing = services.document_finalise(document=closing, by=handledare, expected_revision=closing.revision)
    closure = Closure.objects.select_related("reason").get(enrollment=closed)
    content = text(rendered(closing))
    assert f"Avslutsdatum {closure.date:%Y-%m-%d}" in content
    assert f"Avslutsorsak {closure.reason.label}" in content
    assert f"{closure.reason.label}: {closure.reason.label}" not in content  # labelled once
    assert f"{occupation.label}, 50 % av heltid" in content
    assert support.label in content
    for expected in ("Deltagaren har fått arbete.", "Fortsatt kontakt med AF.", "Avslutningsmöte."):
        assert expected in content


def test_protected_person_has_no_addressee(journey, enrollment, letterhead):
    from participants import privacy

    handledare = journey["handledare"]
    privacy.identity_set(participant=enrollment.participant, protected=True, by=journey["koordinator"])
    plan = builders.final_plan(enrollment, handledare)
    first_page = first_page_of(rendered(plan))
    assert "Dokumentet lämnas inte ut utanför IST." in first_page
    assert journey["referrer"].get_full_name() not in first_page


def test_parties_are_copies_and_the_referrer_the_addressee(journey, enrollment, letterhead):
    from tests.factories import ReferrerFactory

    handledare = journey["handledare"]
    party = ReferrerFactory.create(first_name="Petra", last_name="Part")
    assert party.organisation is not None
    party.organisation.kind = "fk"
    party.organisation.save()
    plan = builders.final_plan(enrollment, handledare, recipients=[party])
    first_page = first_page_of(rendered(plan))
    assert first_page.index(journey["referrer"].get_full_name()) < first_page.index("KOPIA TILL")
    assert first_page.index("KOPIA TILL") < first_page.index("Petra Part")


def test_without_a_stored_letterhead_the_setting_names_the_association(journey, settings):
    settings.IST_ORGANISATION_NAME = "Förbundet i test"
    head = letterhead_for(journey["enrollment"].team)
    assert head.association == "Förbundet i test"
    assert head.logo_url == ""


# -- The fetcher reads the stored logo and nothing else of the stored files -------------------------


def test_fetcher_serves_the_stored_logo(letterhead):
    head = letterhead_for(None)
    assert head.logo_url.startswith("file://")
    response = StaticOnlyFetcher().fetch(head.logo_url)
    assert response.headers["Content-Type"] == "image/png"


def test_fetcher_refuses_other_stored_files(settings, caplog):
    scan = settings.MEDIA_ROOT / "documents" / "signed" / "scan.png"
    scan.parent.mkdir(parents=True, exist_ok=True)
    scan.write_bytes(png())
    sneaky = logo_root() / ".." / "documents" / "signed" / "scan.png"
    with caplog.at_level(logging.WARNING, logger="ist.pdf"):
        for url in (scan.as_uri(), f"file://{sneaky}", "http://127.0.0.1/logo.png"):
            with pytest.raises(RefusedURLError):
                StaticOnlyFetcher().fetch(url)
    assert caplog.text.count("refused to fetch") == 3


def test_fetcher_refuses_a_symlink_out_of_the_logo_folder(settings, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(png())
    logo_root().mkdir(parents=True, exist_ok=True)
    link = logo_root() / "link.png"
    link.symlink_to(secret)
    with pytest.raises(RefusedURLError):
        StaticOnlyFetcher().fetch(link.as_uri())


# -- The logo upload ---------------------------------------------------------------------------


def test_logo_must_be_a_png_or_jpeg_image():
    field = ImageUploadField(required=False)
    assert field.clean(SimpleUploadedFile("logo.png", png())).name == "fil.png"
    pdf = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    with pytest.raises(ValidationError, match="PNG- eller JPEG"):
        field.clean(SimpleUploadedFile("logo.png", pdf))
    with pytest.raises(ValidationError):
        field.clean(SimpleUploadedFile("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>"))


def test_admin_saves_the_single_letterhead_row_with_a_logo(client, journey):
    client.force_login(journey["administrator"])
    upload = SimpleUploadedFile("vad-som-helst.png", png(), content_type="image/png")
    response = client.post(
        "/admin/teams/letterhead/add/",
        {"name": "Samordningsförbundet i Halland", "address": "Box 1", "logo": upload},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = Letterhead.objects.get()
    assert stored.pk == 1
    assert stored.logo.name.startswith("letterhead/")
    assert stored.logo.name.endswith(".png")
    assert "vad-som-helst" not in stored.logo.name
    refused = client.post(
        "/admin/teams/letterhead/1/change/",
        {"name": "X", "address": "", "logo": SimpleUploadedFile("l.png", b"%PDF-1.4\n%%EOF\n")},
    )
    assert refused.status_code == 200
    assert "PNG- eller JPEG" in refused.content.decode()


def test_draft_preview_names_the_referrer_it_will_go_to(journey, enrollment, letterhead):
    from ist.pdf.rendering import render_pdf
    from participants.documents import printing

    draft = builders.draft_plan(journey)
    reader = PdfReader(
        io.BytesIO(render_pdf(printing.template_for(draft), printing.context_for(draft), draft=True).content)
    )
    first_page = first_page_of(reader)
    assert "UTKAST" in first_page
    assert Addressee.of(journey["referrer"]).name in first_page
    assert "lämnas inte ut" not in first_page
