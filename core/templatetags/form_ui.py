"""What the form templates need to say what is wrong where the eye is.

The error summary at the top of a form links each message to the input it is about (the Digital
Agency design system's error summary, also GOV.UK's). Django already marks an invalid input with
``aria-invalid="true"`` and points ``aria-describedby`` at ``<auto_id>_helptext`` and
``<auto_id>_error``; the templates give those ids to the help text and the error messages.
"""

from dataclasses import dataclass

from django import template
from django.forms import MultiWidget

register = template.Library()


@dataclass(frozen=True)
class Problem:
    message: str
    label: str = ""
    anchor: str = ""  # the id of the input to move to; empty when the message is about the whole form


@register.filter
def anchor_id(field) -> str:
    """The id of the first input of ``field``: where a link from the summary puts the cursor."""
    if not field.auto_id:
        return ""
    if isinstance(field.field.widget, MultiWidget):
        return f"{field.auto_id}_0"
    if field.use_fieldset:
        # Radios and checkboxes: the first choice (Django's label has no ``for`` for the group).
        for choice in field.subwidgets:
            return choice.id_for_label or field.auto_id
    return field.id_for_label or field.auto_id


@register.simple_tag
def form_problems(*forms) -> list[Problem]:
    """Every error of ``forms`` in page order: the form's own first, then each field's."""
    problems: list[Problem] = []
    for form in forms:
        if not form or not getattr(form, "is_bound", False) or not form.errors:
            continue
        problems.extend(Problem(message=str(e)) for e in form.non_field_errors())
        for field in form:
            for e in field.errors:
                if field.is_hidden:
                    problems.append(Problem(message=str(e), label=str(field.label or "")))
                else:
                    problems.append(Problem(message=str(e), label=str(field.label or ""), anchor=anchor_id(field)))
    return problems


@register.filter
def fieldset_describedby(field) -> str:
    """Django puts ``aria-describedby`` on a grouped widget's inputs only when it is not a fieldset; the
    fieldset itself then carries it."""
    return (field.aria_describedby or "") if field.use_fieldset else ""


@register.filter
def live_role(messages) -> str:
    """The role of the box holding the page's messages: ``alert`` when one of them is an error, else
    ``status``. The role sits on the box, never on a list item (which must stay a list item)."""
    from django.contrib.messages import constants

    return "alert" if any(message.level >= constants.ERROR for message in messages) else "status"
