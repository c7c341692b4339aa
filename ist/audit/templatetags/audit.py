from __future__ import annotations

from django import template

from ist.audit import labels

register = template.Library()
register.filter("action_label", labels.action_label)
