import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from core import dates

# A certificate, medium or file number: letters and digits joined by hyphens, dots or underscores
# (PTMDS-2026-0224, CD-2025-001, ANL-PC-01), up to a length that still fits a narrow column on one line.
_IDENTIFIER = re.compile(r"(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_.-]*\d)[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)+(?![A-Za-z0-9_-])")

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


@register.filter(needs_autoescape=True)
def keep_ids(value, autoescape=True):
    """The text escaped, each identifier in it kept whole on one line in print (a ``span.id``, see core.pdf)."""
    text = conditional_escape(value) if autoescape else str(value)
    return mark_safe(_IDENTIFIER.sub(  # noqa: S308 - the text was escaped first and identifiers hold no markup
        lambda m: f'<span class="id">{m.group(0)}</span>' if len(m.group(0)) <= 32 else m.group(0), str(text)))
