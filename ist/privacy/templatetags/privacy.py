"""{% load privacy %}: `{{ enrollment|person_name:user }}`, `{{ referral|person_pnr:user }}`,
`{% if item|sees_identity:user %}`. The rule lives in ist/privacy/identity.py."""

from __future__ import annotations

from typing import Any

from django import template

from ist.privacy import identity

register = template.Library()


@register.filter
def person_name(subject: Any, viewer: Any) -> str:
    return identity.display_name(viewer, subject, missing="Namn saknas")


@register.filter
def person_pnr(subject: Any, viewer: Any) -> str:
    return identity.display_personnummer(viewer, subject)


@register.filter
def sees_identity(subject: Any, viewer: Any) -> bool:
    return identity.sees_identity(viewer, subject)
