"""A referral's whole way through IST in the browser (issue 18): the referrer sends it with the web form,
the coordinator puts it on a samverkansteam meeting held today, the team accepts it, the information
meeting ends in "Vill börja", the coordinator enrols the person and the handledare closes the
participation. The referrer follows it in Mina remisser after each step."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ist.personnummer import formatted
from participants import emails as participant_emails
from participants.models import Enrollment
from referrals import emails as referral_emails
from referrals.demo_people import fake_personnummer
from referrals.models import Referral
from teams.models import User

pytestmark = pytest.mark.browser

REFERRER = "remittent.fk@ist.example"
COORDINATOR = "koordinator@ist.example"
HANDLEDARE = "handledare@ist.example"
NAME = "Siv Slutström"
REASONING = "I målgruppen: FK och kommunen, lång tid utanför arbetsmarknaden."


def test_a_referral_from_the_web_form_to_closure_seen_by_the_referrer(
    page: Page, check_a11y, log_in, notifications_sent
) -> None:
    today = timezone.localdate()
    handledare = User.objects.get(email=HANDLEDARE).get_full_name()

    def sign_in(email: str) -> None:
        """Log out whoever is logged in (if anyone) and log in as `email`; both pages checked."""
        logout = page.get_by_role("button", name="Logga ut")
        if logout.count():
            logout.click()
            expect(page).to_have_url(re.compile(r"/konto/login/$"))
        else:
            page.goto("/konto/login/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
        check_a11y(page)
        log_in(page, email)
        expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
        check_a11y(page)

    def referrer_opens_the_referral() -> None:
        """The referrer logs in and opens Mina remisser."""
        sign_in(REFERRER)
        page.goto("/remisser/mina/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Mina remisser")
        check_a11y(page)

    # 1. The referrer sends the referral with the web form.
    sign_in(REFERRER)
    page.goto("/remisser/mina/")
    check_a11y(page)
    page.get_by_role("link", name="Ny remiss").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny remiss")
    check_a11y(page)
    page.get_by_label("Personnummer eller samordningsnummer").fill(formatted(fake_personnummer(date(1979, 6, 2), 7)))
    page.get_by_label("Förnamn").fill("Siv")
    page.get_by_label("Efternamn").fill("Slutström")
    page.get_by_label("Telefon", exact=True).fill("070-000 00 07")
    page.get_by_label("Bor i kommun").select_option(label="Halmstad")
    authorities = page.get_by_role("group", name="Inblandade myndigheter")
    authorities.get_by_role("checkbox", name="Försäkringskassan", exact=True).check()
    authorities.get_by_role("checkbox", name="Kommun", exact=True).check()
    page.get_by_label("Ansvarig för försörjningen").select_option(label="Försäkringskassan")
    page.get_by_label("Tid utanför arbetsmarknaden").select_option(label="2–5 år")
    page.get_by_label("Bakgrund").fill("Sjukskriven sedan 2021, har provat arbetsträning utan att komma vidare.")
    page.get_by_label("Vad personen vill").fill("Arbeta inom vården igen.")
    page.get_by_label("Personen har gett sitt samtycke").check()
    page.get_by_label("Samtycke lämnat").fill(f"{today - timedelta(days=1):%Y-%m-%d}")
    # The referrer's own organisation is in the consent: they may follow the stay (start, handledare, closure).
    scope = page.get_by_role("group", name="Samtycket gäller även")
    scope.get_by_role("checkbox", name="Försäkringskassan", exact=True).check()
    scope.get_by_role("checkbox", name="Kommun", exact=True).check()
    check_a11y(page)
    page.get_by_role("button", name="Skicka remissen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^Remiss \d+: {NAME}$"))
    expect(page.get_by_text("Remissen är skickad.")).to_be_visible()
    check_a11y(page)
    referral = Referral.objects.get(last_name="Slutström")
    assert referral.status == Referral.Status.SUBMITTED

    # 2. Mina remisser: Inkommen.
    page.get_by_role("link", name="Till Mina remisser").click()
    row = page.get_by_role("row", name=re.compile(NAME))
    expect(row).to_contain_text("Inkommen")
    check_a11y(page)

    # 3. The coordinator plans today's samverkansteam meeting and puts the referral on its agenda.
    sign_in(COORDINATOR)
    page.goto("/remisser/moten/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Samverkansteamsmöten")
    check_a11y(page)
    page.get_by_role("link", name="Nytt möte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nytt samverkansteamsmöte")
    check_a11y(page)
    page.get_by_label("Team").select_option(label="IST Halmstad/Hylte")
    page.get_by_label("Datum").fill(today.isoformat())
    page.get_by_label("Tid").fill("09:00")
    page.get_by_label("Plats").fill("Stadshuset, rum 3")
    page.get_by_role("button", name="Skapa mötet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Samverkansteamsmöte {today:%Y-%m-%d}")
    check_a11y(page)
    meeting_url = page.url

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Inkommande").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inkommande remisser och frågor")
    check_a11y(page)
    page.locator("#board").get_by_role("link", name=NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Granska remiss: {NAME}")
    check_a11y(page)
    actions = page.get_by_role("region", name="Status och åtgärder")
    actions.get_by_label("Möte").select_option(index=1)
    actions.get_by_role("button", name="Sätt på dagordningen").click()
    expect(actions.locator("#referral-status")).to_have_text("På dagordning")
    check_a11y(page)

    # 4. At the meeting: attendance, then the decision "Antas".
    page.goto(meeting_url)
    item = page.locator(".agenda-item").filter(has_text=NAME)
    expect(item).to_have_count(1)
    check_a11y(page)
    other = page.get_by_role("group", name="Annan närvarande 1")
    other.get_by_label("Part").select_option("af")
    other.get_by_label("Namn").fill("Ali Hussein")
    page.get_by_role("button", name="Spara närvaro").click()
    expect(page.get_by_role("status").first).to_contain_text("Närvaron är sparad.")
    check_a11y(page)
    item = page.locator(".agenda-item").filter(has_text=NAME)
    item.get_by_label("Antas – informationsmöte erbjuds").check()
    item.get_by_label("Motivering").fill(REASONING)
    item.get_by_role("button", name="Registrera beslut").click()
    expect(item).to_contain_text("Beslut: Antas – informationsmöte erbjuds")
    check_a11y(page)

    # 5. The referrer sees the decision.
    referrer_opens_the_referral()
    row = page.get_by_role("row", name=re.compile(NAME))
    expect(row).to_contain_text("Antagen – informationsmöte erbjuds")
    row.get_by_role("link").first.click()
    decision = page.get_by_role("region", name="Teamets beslut")
    expect(decision.locator("strong")).to_have_text("Antagen")
    expect(decision).to_contain_text("Personen erbjuds ett informationsmöte.")
    expect(decision).to_contain_text(REASONING)
    check_a11y(page)

    # 6. The coordinator books the information meeting for today and records "Vill börja".
    sign_in(COORDINATOR)
    page.goto(meeting_url)
    check_a11y(page)
    page.locator(".agenda-item").filter(has_text=NAME).get_by_role("link", name="Boka informationsmöte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Boka informationsmöte")
    check_a11y(page)
    page.get_by_label("Datum").fill(today.isoformat())
    page.get_by_label("Tid").fill("13:00")
    page.get_by_label("Plats").fill("IST-kontoret, Halmstad")
    page.get_by_label("Karin Koordinator").check()
    page.get_by_role("button", name="Boka").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Informationsmöte {today:%Y-%m-%d}")
    expect(page.get_by_role("status")).to_contain_text("Informationsmötet är bokat.")
    check_a11y(page)
    page.get_by_label("Vill börja").check()
    page.get_by_role("button", name="Registrera utfall").click()
    expect(page.get_by_role("status")).to_contain_text("Utfallet är registrerat.")
    expect(page.get_by_role("region", name="Utfall")).to_contain_text("Vill börja")
    check_a11y(page)

    # 7. One click to the enrolment form; enrolled with a handledare from today.
    page.get_by_role("link", name=f"Skriv in {NAME}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Skriv in {NAME}")
    check_a11y(page)
    page.get_by_label("Startdatum").fill(today.isoformat())
    page.get_by_label("Ansvarig handledare").select_option(label=handledare)
    page.get_by_role("button", name="Skriv in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(page).to_have_url(re.compile(r"/deltagare/\d+/$"))
    expect(page.get_by_role("region", name="Kontakter")).to_contain_text(handledare)
    check_a11y(page)
    enrollment = Enrollment.objects.get(referral=referral)
    assert enrollment.start_date == today

    # 8. The referrer sees "Inskriven" with the start date and the handledare.
    referrer_opens_the_referral()
    row = page.get_by_role("row", name=re.compile(NAME))
    expect(row).to_contain_text("Inskriven")
    row.get_by_role("link").first.click()
    expect(page.locator(".lead")).to_contain_text("Inskriven")
    expect(page.get_by_role("region", name="Teamets beslut")).to_contain_text("Personen är inskriven i IST.")
    stay = page.get_by_role("region", name="Inskrivning")
    expect(stay.locator("dt:text-is('Start') + dd")).to_have_text(f"{today:%Y-%m-%d}")
    expect(stay.locator("dt:text-is('Ansvarig handledare') + dd")).to_have_text(handledare)
    expect(page.get_by_role("region", name="Informationsmöte")).to_contain_text("Vill börja")
    check_a11y(page)

    # 9. The handledare closes the participation with an exit reason.
    sign_in(HANDLEDARE)
    page.goto(f"/deltagare/{enrollment.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    check_a11y(page)
    page.get_by_role("link", name="Avsluta").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Avslut")
    check_a11y(page)
    page.get_by_label("Avslutsdatum").fill(today.isoformat())
    page.get_by_label("Avslutsorsak").select_option(label="Arbete")
    page.get_by_label("Sammanfattning").fill("Siv har fått en anställning inom vården.")
    page.get_by_role("button", name="Avsluta inskrivningen").click()
    expect(page.locator(".messages[role=status]")).to_contain_text(f"Inskrivningen för {NAME} är avslutad.")
    check_a11y(page)

    # 10. The referrer sees "Avslutad" with the closing date and the exit reason.
    referrer_opens_the_referral()
    row = page.get_by_role("row", name=re.compile(NAME))
    expect(row).to_contain_text("Avslutad")
    row.get_by_role("link").first.click()
    expect(page.locator(".lead")).to_contain_text("Avslutad")
    expect(page.get_by_role("region", name="Teamets beslut")).to_contain_text("Personen har avslutat sin tid i IST.")
    stay = page.get_by_role("region", name="Inskrivning")
    expect(stay.locator("dt:text-is('Avslutad') + dd")).to_have_text(f"{today:%Y-%m-%d}")
    expect(stay.locator("dt:text-is('Avslutsorsak') + dd")).to_have_text("Arbete")
    expect(stay).to_contain_text(handledare)
    check_a11y(page)

    referral.refresh_from_db()
    enrollment.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED
    assert enrollment.status == Enrollment.Status.CLOSED
    assert enrollment.closure.reason.code == "arbete"
    info_meeting = referral.information_meetings.get()
    # Closing sends no e-mail: the referrer reads it on the referral page (the closing summary is a
    # document of its own, delivered when written).
    assert notifications_sent == [
        (referral_emails.MEETING_BOOKED, referral.agenda_items.get().meeting_id),
        (referral_emails.DECIDED, referral.pk),
        (referral_emails.INFO_MEETING_BOOKED, info_meeting.pk),
        (participant_emails.ENROLLED, enrollment.pk),
    ]
