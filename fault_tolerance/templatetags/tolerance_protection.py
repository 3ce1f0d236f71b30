"""The protection an exempted case gives a cadre, shown on the cadre's own page."""

from django import template

from ..selectors import protected_matters

register = template.Library()


@register.inclusion_tag("fault_tolerance/_protected_panel.html")
def protected_panel(cadre):
    return {"cases": list(protected_matters(cadre).only("id", "title", "decided_on"))}
