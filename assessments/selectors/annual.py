"""Reads of quarterly and annual grades: lists, the 优秀 quota of a unit's year, the gates that
bite on a cadre's annual grade, the grid of a unit's year.

`rule_errors` is what every write path (the API, the grid, the import, the admin) asks before
it saves: set-based, a fixed number of queries however many rows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnnualRow:
    """One annual grade to save: the cadre (already resolved and in the actor's scope), the
    year, the grade (AnnualAssessment.Grade) and the comment (评语)."""

    cadre: object
    year: int
    grade: str
    comment: str = ""


@dataclass(frozen=True)
class QuarterlyRow:
    cadre: object
    year: int
    quarter: int
    grade: str


def rule_errors(rows: list[AnnualRow]) -> dict[int, dict[str, list[str]]]:
    """The rules that refuse some of rows (the gates, the 优秀 cap), as {row index: {field:
    [messages]}}; empty when all may be saved together. Each message names its rule and source.

    TODO(annual-rules): the gates and the cap; this placeholder refuses nothing."""
    return {}


@dataclass(frozen=True)
class Gate:
    """A rule that bites on a cadre's annual grade in a year (DOMAIN.md, "Gates on the annual
    grade"): `code` (e.g. "quarterly_good"), `label` (the rule in words), `source` (the
    regulation it comes from), `allowed` (the grades it still permits: every grade but
    excellent, or only not_graded), `message` (what the user reads where it bites)."""

    code: str
    label: str
    source: str
    allowed: frozenset[str]
    message: str


@dataclass(frozen=True)
class Quota:
    """The 优秀 cap of a unit's year (API.md excellence-quota/): the rate, how many take part
    (active cadres, or those graded where more), how many are graded, the cap (floor of rate ×
    taking part), how many are excellent, and the unit over whose subtree it is counted when
    the unit is pooled with its siblings (统筹), else None."""

    unit: object
    year: int
    rate: object  # Decimal
    taking_part: int
    graded: int
    cap: int
    excellent: int
    pooled_with: object | None


def gates(cadres: list, year: int) -> dict[int, list[Gate]]:
    """The gates that bite on each cadre's annual grade in year: {cadre id: [Gate]}, in a fixed
    number of queries. TODO(annual-rules): placeholder, no gate yet."""
    return {}


def quota(unit, year: int) -> Quota:
    """The unit's 优秀 quota for year. TODO(annual-rules): placeholder (the default rate, no
    pooling, no per-unit rates)."""
    import math
    from decimal import Decimal

    from django.conf import settings

    from cadres.models import Cadre

    from ..models import AnnualAssessment

    rate = Decimal(settings.DANDANG["EXCELLENT_RATE"])
    graded = AnnualAssessment.objects.filter(unit=unit, year=year)
    active = Cadre.objects.filter(unit=unit, status=Cadre.Status.ACTIVE).count()
    count = graded.count()
    taking_part = max(active, count)
    return Quota(unit=unit, year=year, rate=rate, taking_part=taking_part, graded=count,
                 cap=math.floor(rate * taking_part),
                 excellent=graded.filter(grade=AnnualAssessment.Grade.EXCELLENT).count(),
                 pooled_with=None)
