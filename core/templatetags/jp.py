from django import template

from core import dates

register = template.Library()


@register.filter
def wareki(value):
    return dates.wareki(value)


@register.filter
def wareki_datetime(value):
    return dates.wareki_datetime(value)


@register.filter
def fiscal_year(value):
    return dates.fiscal_year_label(value) if value else ""
