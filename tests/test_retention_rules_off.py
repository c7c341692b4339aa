"""Gallring removes nothing until an administrator turns a rule on (docs/decisions/0018-retention.md):
the migrations leave every rule off, so the first nightly run after a deploy deletes nothing, while
the Gallring page shows what each rule would remove and how to turn it on.

Outside tests/retention on purpose: that folder's fixtures switch the rules on."""

from __future__ import annotations

from datetime import date
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from ist.retention import services
from ist.retention.models import Kind, RetentionRule, RetentionRun
from referrals.models import Referral
from tests.referrals import builders as referral_builders
from tests.retention import builders

pytestmark = pytest.mark.django_db

LONG_AFTER = date(2030, 1, 15)  # every default period has passed for a record of 2020


def test_the_migrations_leave_every_rule_off_and_a_run_removes_nothing(users) -> None:
    rules = list(RetentionRule.objects.all())
    assert {rule.kind for rule in rules} == set(Kind.values)  # eleven rules, as seeded
    assert [rule.kind for rule in rules if rule.active] == []

    draft = builders.age_referral(referral_builders.draft(users["referrer"]), date(2020, 1, 15))
    run = services.retention_run(today=LONG_AFTER)

    assert Referral.objects.filter(pk=draft.pk).exists()
    assert not run.lines.exists()
    assert run.error == ""
    # What the rule would remove is still counted, marked as off.
    would = {(line.rule.kind, line.record): (line.count, line.rule.active) for line in services.preview()}
    assert would[(Kind.DRAFT_REFERRAL, "Remissutkast")] == (1, False)


def test_turning_a_rule_on_makes_the_next_run_apply_it(users) -> None:
    draft = builders.age_referral(referral_builders.draft(users["referrer"]), date(2020, 1, 15))
    RetentionRule.objects.filter(kind=Kind.DRAFT_REFERRAL).update(active=True)
    run = services.retention_run(today=LONG_AFTER)
    assert not Referral.objects.filter(pk=draft.pk).exists()
    assert {line.rule for line in run.lines.all()} == {Kind.DRAFT_REFERRAL}


def test_the_gallring_page_says_which_rules_are_off_and_how_to_turn_them_on(client, users) -> None:
    builders.age_referral(referral_builders.draft(users["referrer"]), date(2020, 1, 15))
    client.force_login(users["administrator"])
    html = client.get(reverse("retention:overview")).content.decode()
    assert "11 av 11 regler är avstängda" in html
    assert "markera <strong>Gallras</strong>" in html
    assert reverse("admin:retention_retentionrule_changelist") in html
    assert html.count('<strong class="rule-off">Av</strong>') == len(services.preview())

    RetentionRule.objects.update(active=True)
    html = client.get(reverse("retention:overview")).content.decode()
    assert "regler är avstängda" not in html
    assert 'class="rule-off"' not in html


def test_a_database_seeded_on_before_this_fix_has_its_unconfirmed_rules_switched_off() -> None:
    switch_off = import_module("ist.retention.migrations.0003_rules_off_until_turned_on").switch_off_unconfirmed
    RetentionRule.objects.update(active=True)  # what 0002 used to seed
    switch_off(apps, None)
    assert not RetentionRule.objects.filter(active=True).exists()

    # Where gallring has already run, the rules were in use: the migration leaves them alone.
    RetentionRule.objects.update(active=True)
    services.retention_run(today=LONG_AFTER)
    switch_off(apps, None)
    assert RetentionRule.objects.filter(active=False).count() == 0
    assert RetentionRun.objects.exists()
