"""Reminder areas, registered by the apps that own them, the way e-mails register with
`ist/messaging/registry.py`: `ist.reminders` knows no domain app.

An app's `reminders.py` lists its rules and registers them under an area name at import
(`AREA = register("referrals", RULES)`); the app's `AppConfig.ready` imports the module. The
hourly sweep of an area (`ist.reminders.sweeps.sweep`) and the narrowed sweep after a service's
work (`sweep_for`) read the rules from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ist.reminders.rules import Due, Rule

if TYPE_CHECKING:
    from django.db.models import Model

    from ist.reminders.models import DeadlineSettings


@dataclass(frozen=True)
class Area:
    """One area's rules, swept together (one Celery task per area in the beat schedule)."""

    name: str
    rules: tuple[Rule, ...]

    @property
    def kinds(self) -> list[str]:
        return [str(kind) for rule in self.rules for kind in rule.kinds]

    def due_items(self, today: date, config: DeadlineSettings) -> list[Due]:
        """Every item due today in this area, computed from the database alone."""
        return [item for rule in self.rules for item in rule.compute(today, config, None)]


_areas: dict[str, Area] = {}


def register(name: str, rules: Iterable[Rule]) -> Area:
    """Register (or, on a re-import, replace) the area `name` with its rules; returns it."""
    area = Area(name, tuple(rules))
    _areas[name] = area
    return area


def areas() -> dict[str, Area]:
    """Every registered area by name, in the order the apps registered them."""
    return dict(_areas)


def area(name: str) -> Area:
    return _areas[name]


def rules_for(model: type[Model]) -> list[Rule]:
    """Every rule whose items hang on `model`, in every area."""
    return [rule for registered in _areas.values() for rule in registered.rules if rule.subject is model]
