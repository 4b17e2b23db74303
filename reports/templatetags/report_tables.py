"""Filters for a report's tables, whose figures are plain JSON (codes, ISO dates)."""

from datetime import date

from django import template

register = template.Library()


@register.filter
def label_of(labels: dict, key):
    """The words for a code (a reason, a kind, a region), or the code when it has none."""
    return labels.get(key, key) if key is not None else ""


@register.filter
def day(value: str | None) -> str:
    """An ISO date of the figures as officials write it: dd/mm/yyyy."""
    return f"{date.fromisoformat(value):%d/%m/%Y}" if value else ""


@register.filter
def value_of(values: dict, key):
    """What a mapping holds for a key, None where it holds nothing."""
    return values.get(key)
