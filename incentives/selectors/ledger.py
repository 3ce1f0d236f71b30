"""Reads of the ledger (激励台账): the rows the user may see, a unit's sums over its subtree,
the 红黑榜. The tally that writes the rows is services.ledger."""

from __future__ import annotations

from django.db.models import QuerySet, Sum

from .. import permissions
from ..models import LedgerRow


def ledger_list(*, user, year: int | None = None, unit=None, cadre=None) -> QuerySet[LedgerRow]:
    """Ledger rows the user may see, best net first; unit: the unit and all below it."""
    qs = LedgerRow.objects.filter(permissions.cadre_row_visible_q(user)).select_related(
        "cadre", "unit")
    if year is not None:
        qs = qs.filter(year=year)
    if unit is not None:
        qs = qs.filter(unit_path__startswith=unit.path)
    if cadre is not None:
        qs = qs.filter(cadre=cadre)
    return qs.order_by("-year", "-net", "cadre_id")


def unit_totals(*, user, unit, year: int) -> dict:
    """A unit's year: positive, negative and net summed over its subtree (what the user sees)."""
    sums = ledger_list(user=user, year=year, unit=unit).aggregate(
        positive=Sum("positive"), negative=Sum("negative"), net=Sum("net"))
    return {k: v or 0 for k, v in sums.items()}


def honor_board(*, user, year: int, category: str, size: int = 10) -> tuple[list, list]:
    """红黑榜: the top and the bottom `size` cadres by net points among the units of a category
    (Unit.category) in year, each a LedgerRow. TODO(ledger): the rules engineer may refine
    (ties, teams); keep the signature."""
    qs = ledger_list(user=user, year=year).filter(unit__category=category)
    top = list(qs.filter(net__gt=0).order_by("-net", "cadre_id")[:size])
    bottom = list(qs.filter(net__lt=0).order_by("net", "cadre_id")[:size])
    return top, bottom
