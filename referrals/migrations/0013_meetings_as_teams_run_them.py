"""Meetings as teams run them (issue 18, decision 0033): enrolments on the agenda with a reason,
attendance of registered members, protokollförare, justering and the archived minutes."""

import django.db.models.deletion
import ist.uploads
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0013_team_transfer"),
        ("referrals", "0012_referral_life_cycle_data"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="agendaitem",
            name="agenda_item_one_subject",
        ),
        migrations.AddField(
            model_name="agendaitem",
            name="added_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="agendaitem",
            name="enrollment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="agenda_items",
                to="participants.enrollment",
            ),
        ),
        migrations.AddField(
            model_name="agendaitem",
            name="note",
            field=models.TextField(blank=True, verbose_name="inför mötet"),
        ),
        migrations.AddField(
            model_name="agendaitem",
            name="reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("follow_up", "Uppföljning"),
                    ("extension", "Förlängning"),
                    ("health_closure", "Avslut av hälsoskäl"),
                    ("consultation", "Konsultation"),
                ],
                max_length=20,
                verbose_name="skäl",
            ),
        ),
        migrations.AddField(
            model_name="meetingattendance",
            name="member",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="teammeeting",
            name="adjuster",
            field=models.CharField(blank=True, max_length=200, verbose_name="justerare"),
        ),
        migrations.AddField(
            model_name="teammeeting",
            name="approved_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="justerat"),
        ),
        migrations.AddField(
            model_name="teammeeting",
            name="approved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="justeringen registrerad av",
            ),
        ),
        migrations.AddField(
            model_name="teammeeting",
            name="minute_taker",
            field=models.CharField(blank=True, max_length=200, verbose_name="protokollförare"),
        ),
        migrations.AddField(
            model_name="teammeeting",
            name="minutes_pdf",
            field=models.FileField(
                blank=True, upload_to=ist.uploads.RandomName("minutes"), verbose_name="protokoll (PDF)"
            ),
        ),
        migrations.AddField(
            model_name="teammeeting",
            name="minutes_rendered_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="teammeeting",
            name="minutes_sha256",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="agendaitem",
            name="decision",
            field=models.CharField(
                blank=True,
                choices=[
                    ("accept", "Antas – informationsmöte erbjuds"),
                    ("reject", "Avslås"),
                    ("more_info", "Mer information behövs"),
                    ("answered", "Frågan besvarad"),
                    ("followed_up", "Uppföljning genomförd"),
                    ("extend", "Förlängning beviljas"),
                    ("no_extend", "Förlängning beviljas inte"),
                    ("to_styrgrupp", "Hänskjuts till styrgruppen"),
                    ("close_health", "Avslut av hälsoskäl tillstyrks"),
                    ("continue", "Fortsatt inskrivning"),
                    ("consulted", "Konsultation genomförd"),
                ],
                max_length=20,
                verbose_name="beslut",
            ),
        ),
        migrations.AddConstraint(
            model_name="agendaitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("enrollment__isnull", True), ("question__isnull", True), ("referral__isnull", False)),
                    models.Q(("enrollment__isnull", True), ("question__isnull", False), ("referral__isnull", True)),
                    models.Q(
                        ("enrollment__isnull", False),
                        ("question__isnull", True),
                        ("reason__gt", ""),
                        ("referral__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="agenda_item_one_subject",
            ),
        ),
        migrations.AddConstraint(
            model_name="agendaitem",
            constraint=models.UniqueConstraint(fields=("meeting", "enrollment"), name="agenda_unique_enrollment"),
        ),
    ]
