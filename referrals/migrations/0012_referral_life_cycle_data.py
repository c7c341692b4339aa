"""Referrals whose person is enrolled (or was, and is closed) move to Inskriven / Avslutad
(docs/decisions/0029), with a timeline entry each, so Mina remisser and the referral page tell the truth."""

from django.db import migrations

ENROLLED, CLOSED = "enrolled", "closed"


def forward(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    ReferralEvent = apps.get_model("referrals", "ReferralEvent")
    Enrollment = apps.get_model("participants", "Enrollment")
    rows = Enrollment.objects.filter(referral__isnull=False).values_list(
        "referral_id", "status", "start_date", "closure__date"
    )
    for referral_id, status, start, closed_on in rows.iterator(chunk_size=2000):
        target = CLOSED if status == "closed" else ENROLLED
        moved = Referral.objects.filter(pk=referral_id).exclude(status=target).update(status=target)
        if not moved:
            continue
        events = [ReferralEvent(referral_id=referral_id, kind=ENROLLED, message=f"Start {start:%Y-%m-%d}")]
        if target == CLOSED and closed_on is not None:
            events.append(ReferralEvent(referral_id=referral_id, kind=CLOSED, message=f"{closed_on:%Y-%m-%d}"))
        ReferralEvent.objects.bulk_create(events)


def backward(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    Referral.objects.filter(status__in=[ENROLLED, CLOSED]).update(status="ready")
    Referral.objects.filter(status="withdrawn").update(status="needs_info")


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0011_referral_life_cycle"),
        ("participants", "0013_team_transfer"),
    ]

    operations = [migrations.RunPython(forward, backward)]
