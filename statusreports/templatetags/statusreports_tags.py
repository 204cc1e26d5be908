import datetime as dt

from django import template

from core.dates import wareki

register = template.Library()


@register.filter
def isodate_wareki(value) -> str:
    """令和8年6月30日 from "2026-06-30" (the dates a schedule and a structure report keep as text)."""
    try:
        return wareki(dt.date.fromisoformat(value)) if value else ""
    except (TypeError, ValueError):
        return str(value)
