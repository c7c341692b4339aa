"""The five IST and the six municipalities of Halland, each with its team."""

from __future__ import annotations

from django.db import migrations

from teams.halland import MUNICIPALITIES, TEAMS


def create_teams(apps, schema_editor):
    Team = apps.get_model("teams", "Team")
    Municipality = apps.get_model("teams", "Municipality")
    teams = {}
    for slug, name, _place in TEAMS:
        teams[slug], _ = Team.objects.get_or_create(slug=slug, defaults={"name": name})
    for code, name, team_slug in MUNICIPALITIES:
        Municipality.objects.get_or_create(code=code, defaults={"name": name, "team": teams[team_slug]})


class Migration(migrations.Migration):
    dependencies = [("teams", "0001_initial")]
    operations = [migrations.RunPython(create_teams, migrations.RunPython.noop)]
