"""Reads for the grade grids (the annual and quarterly entry pages), the list of annual grades
and the distribution chart. Each answers in a fixed number of queries however many cadres the
unit holds; scoping is asked of assessments.permissions.

The gates and the 优秀 quota come from selectors.annual (gates(), quota()): this module only
lays them out per row."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from cadres.models import Cadre
from core.models import Unit

from .. import permissions
from ..models import AnnualAssessment, QuarterlyAssessment
from .annual import Gate, Quota, gates, quota

ANNUAL_GRADES = AnnualAssessment.Grade
QUARTERLY_GRADES = QuarterlyAssessment.Grade


def grid_unit_get(*, user, pk: int) -> Unit:
    """The unit whose grid the user opens; 404 when missing or outside the user's scope."""
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None or not permissions.can_see_unit_record(user, unit):
        raise Http404
    return unit


def grid_cadres(*, unit, year: int, model) -> list:
    """The cadres on a unit's grid: its active cadres, and those graded in the unit that year
    (by `model`) who have since left or changed status, in the cadre list's order."""
    graded = model.objects.filter(unit=unit, year=year).values("cadre_id")
    return list(
        Cadre.objects.filter(Q(unit=unit, status=Cadre.Status.ACTIVE) | Q(pk__in=graded))
        .select_related("unit")
        .order_by("name", "id")
    )


def saved_cadre_ids(cadres: list, *, year: int, quarter: int | None = None) -> set[int]:
    """Which of cadres already hold a grade for year (annual), or for the quarter."""
    ids = [c.pk for c in cadres]
    if quarter is None:
        qs = AnnualAssessment.objects.filter(cadre_id__in=ids, year=year)
    else:
        qs = QuarterlyAssessment.objects.filter(cadre_id__in=ids, year=year, quarter=quarter)
    return set(qs.values_list("cadre_id", flat=True))


@dataclass
class GridOption:
    value: str
    label: str
    selected: bool = False
    disabled: bool = False


@dataclass
class AnnualGridRow:
    """One cadre on the annual grid: the saved grade (or None), the year's quarterly grades
    (quarter → label), the gates that bite and the options left once they have."""

    cadre: object
    saved: object | None
    quarterly: list
    gates: list[Gate]
    options: list[GridOption]
    grade: str = ""
    comment: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass
class AnnualGrid:
    unit: object
    year: int
    rows: list[AnnualGridRow]
    quota: Quota
    # 优秀 counted for the quota outside the grid's saved rows (other units pooled with this
    # one, grades of cadres no longer shown): the page's live counter starts from it.
    excellent_elsewhere: int


def _allowed(row_gates: list[Gate], values: list[str]) -> set[str]:
    allowed = set(values)
    for gate in row_gates:
        allowed &= set(gate.allowed)
    return allowed


def annual_grid(*, unit, year: int, posted: dict[int, tuple[str, str]] | None = None) -> AnnualGrid:
    """The annual grid of a unit's year. posted: {cadre id: (grade, comment)} as sent back
    after a refusal, shown instead of what is saved. Queries: the cadres, their saved grades,
    the year's quarterly grades, then gates() and quota() (each a fixed number)."""
    cadres = grid_cadres(unit=unit, year=year, model=AnnualAssessment)
    ids = [c.pk for c in cadres]
    saved = {a.cadre_id: a for a in AnnualAssessment.objects.filter(cadre_id__in=ids, year=year)}
    quarterly: dict[int, dict[int, str]] = {}
    for cadre_id, quarter, grade in QuarterlyAssessment.objects.filter(
        cadre_id__in=ids, year=year
    ).values_list("cadre_id", "quarter", "grade"):
        quarterly.setdefault(cadre_id, {})[quarter] = grade
    gate_map = gates(cadres, year) if cadres else {}
    unit_quota = quota(unit, year)
    # Translated once: a lazy label is translated again at every use, 1,500 times a grid.
    labels = {v: str(label) for v, label in ANNUAL_GRADES.choices}
    q_labels = {v: str(label) for v, label in QUARTERLY_GRADES.choices}
    values = ANNUAL_GRADES.values  # a property that builds a new list at each use
    rows = []
    for cadre in cadres:
        current = saved.get(cadre.pk)
        grade, comment = (current.grade, current.comment) if current else ("", "")
        if posted is not None and cadre.pk in posted:
            grade, comment = posted[cadre.pk]
        row_gates = gate_map.get(cadre.pk, [])
        allowed = _allowed(row_gates, values) if row_gates else values
        options = [
            GridOption(
                value=value,
                label=labels[value],
                selected=value == grade,
                # The saved grade stays choosable: a gate that bites on it is shown, and the
                # save refuses it, but the select must still send what is there.
                disabled=value not in allowed and value != grade,
            )
            for value in values
        ]
        rows.append(AnnualGridRow(
            cadre=cadre, saved=current,
            quarterly=[(q, q_labels.get(quarterly.get(cadre.pk, {}).get(q), "")) for q in (1, 2, 3, 4)],
            gates=row_gates, options=options, grade=grade, comment=comment,
        ))
    saved_excellent = sum(1 for a in saved.values() if a.grade == ANNUAL_GRADES.EXCELLENT)
    return AnnualGrid(
        unit=unit, year=year, rows=rows, quota=unit_quota,
        excellent_elsewhere=max(0, unit_quota.excellent - saved_excellent),
    )


@dataclass
class QuarterlyGridRow:
    cadre: object
    saved: object | None
    options: list[GridOption]
    others: list  # [(quarter, label)] of the year's other quarters
    grade: str = ""
    errors: list[str] = field(default_factory=list)


def quarterly_grid(*, unit, year: int, quarter: int, posted: dict[int, str] | None = None) -> list[QuarterlyGridRow]:
    """The quarterly grid of a unit's quarter: each cadre's grade and the year's other quarters."""
    cadres = grid_cadres(unit=unit, year=year, model=QuarterlyAssessment)
    ids = [c.pk for c in cadres]
    by_cadre: dict[int, dict[int, object]] = {}
    for q in QuarterlyAssessment.objects.filter(cadre_id__in=ids, year=year):
        by_cadre.setdefault(q.cadre_id, {})[q.quarter] = q
    labels = {v: str(label) for v, label in QUARTERLY_GRADES.choices}
    rows = []
    for cadre in cadres:
        year_grades = by_cadre.get(cadre.pk, {})
        current = year_grades.get(quarter)
        grade = current.grade if current else ""
        if posted is not None and cadre.pk in posted:
            grade = posted[cadre.pk]
        rows.append(QuarterlyGridRow(
            cadre=cadre, saved=current, grade=grade,
            options=[GridOption(value=v, label=labels[v], selected=v == grade)
                     for v in QUARTERLY_GRADES.values],
            others=[(q, labels[year_grades[q].grade] if q in year_grades else "")
                    for q in (1, 2, 3, 4) if q != quarter],
        ))
    return rows


def annual_list(*, user, filters: dict | None = None) -> QuerySet:
    """Annual grades of the cadres the user may see; filters: unit, tree, year, grade."""
    filters = filters or {}
    qs = AnnualAssessment.objects.filter(permissions.cadre_record_visible_q(user)).select_related(
        "cadre", "unit"
    )
    unit = filters.get("unit")
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path) if filters.get("tree") else qs.filter(unit=unit)
    if filters.get("year"):
        qs = qs.filter(year=filters["year"])
    if filters.get("grade"):
        qs = qs.filter(grade=filters["grade"])
    return qs.order_by("-year", "unit__path", "cadre__name", "cadre_id")


def annual_distribution(*, unit, year: int) -> dict:
    """How a unit's year was graded: a count per grade, in the grades' order, with the quota.
    One query for the counts, then quota()."""
    counts = dict(
        AnnualAssessment.objects.filter(unit=unit, year=year)
        .values_list("grade")
        .annotate(n=Count("id"))
        .values_list("grade", "n")
    )
    unit_quota = quota(unit, year)
    return {
        "unit": unit.name,
        "year": year,
        "grades": [{"value": v, "label": str(label), "count": counts.get(v, 0)}
                   for v, label in ANNUAL_GRADES.choices],
        "graded": sum(counts.values()),
        "cap": unit_quota.cap,
        "excellent": counts.get(ANNUAL_GRADES.EXCELLENT, 0),
    }
