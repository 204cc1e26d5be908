from django import template

register = template.Library()


@register.filter
def percent(share) -> str:
    """0.354 → 35.4 (for 「35.4%」); anything else prints as it is, never raises."""
    try:
        return f"{float(share) * 100:.1f}"
    except (TypeError, ValueError):
        return ""
