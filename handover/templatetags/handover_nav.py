from django import template

from handover import navigation

register = template.Library()


@register.simple_tag
def handover_menu(contract):
    """The links of 受渡しのメニュー for ``contract`` (handover.navigation)."""
    return navigation.links(contract)
