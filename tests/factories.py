from __future__ import annotations

import factory

from teams.models import Membership, Organisation, Team, User

PASSWORD = "korrekt-hast-batteri-42"


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation
        django_get_or_create = ("kind", "name", "unit")

    kind = Organisation.Kind.FK
    name = "Försäkringskassan"
    unit = factory.Sequence(lambda n: f"Enhet {n}")


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@test.example")
    first_name = "Åsa"
    last_name = factory.Sequence(lambda n: f"Öberg{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(self: User, create: bool, extracted: object, **kwargs: object) -> None:  # the built user
        if create:
            self.save()


class ReferrerFactory(UserFactory):
    is_referrer = True
    organisation = factory.SubFactory(OrganisationFactory)


def team(slug: str = "halmstad-hylte") -> Team:
    """One of the five teams the migration created."""
    return Team.objects.get(slug=slug)


def member(role: str, team_slug: str = "halmstad-hylte", **fields: object) -> User:
    user = UserFactory.create(**fields)
    Membership.objects.create(user=user, team=team(team_slug), role=role)
    return user
