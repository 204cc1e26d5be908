"""How a page names a person: ``{{ user|person }}``, the one rule of audit.formatting.person_name (the display
name; 「氏名未登録の利用者（No.…）」 when there is none), so no template falls back to a username."""

from django import template

from audit.formatting import person_name

register = template.Library()


@register.filter
def person(user) -> str:
    return person_name(user) if user else ""
