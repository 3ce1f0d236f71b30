"""Reads of quarterly and annual grades: lists, the 优秀 quota of a unit's year, the gates that
bite on a cadre's annual grade, the grid of a unit's year.

`rule_errors` is what every write path (the API, the grid, the import, the admin) asks before
it saves: set-based, a fixed number of queries however many rows.

The 优秀 cap (DOMAIN.md, "Annual assessment", "Small units"; 《公务员考核规定》（2020年）: 优秀
等次人数一般掌握在参加年度考核人数的百分之十五以内，最多不超过百分之二十):

- rate: the unit's own ExcellenceRate, else its category's, else DANDANG["EXCELLENT_RATE"];
- taking part (参加考核人数): the unit's active cadres, or the number graded in the unit's year
  where that is larger (so grades can be entered one at a time);
- cap: floor(rate × taking part).
- Pooling (统筹): a unit whose taking part is below DANDANG["EXCELLENT_POOL_BELOW"] and that has
  a parent is pooled with its *small* siblings, i.e. the parent's other children of the same
  kind (Unit.kind) whose own taking part is also below the threshold. The pool is exactly those
  units (never the parent itself, never a sibling large enough to have its own cap, never
  grandchildren: each unit counts only the grades recorded on it). Over the pool: taking part
  and graded are the sums, excellent is the sum of the members' 优秀, and the cap is
  floor(Σ rate_i × taking part_i) (= floor(rate × Σ taking part) when the members share a rate,
  which Quota.rate then shows). A pool of one (no small sibling) is no pool: pooled_with None.
  Every member of a pool sees the same cap and count, and pooled_with is the parent.

An exempted fault-tolerance matter (免责) never counts against a grade: the gates below read
only discipline.Sanction (a 处分 or 诫勉 actually decided) and quarterly grades. A tolerance
case is not a sanction and no sanction references a case: a matter exempted is one for which
no liability is pursued, so there is nothing of it for a gate to read (fault_tolerance is
never imported here)."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.utils.translation import gettext as _


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
    # Whether a 评语 is required (the 不定等次 of a 记过 or heavier sanction's period).
    needs_comment: bool = False


@dataclass(frozen=True)
class Quota:
    """The 优秀 cap of a unit's year (API.md excellence-quota/): the rate, how many take part
    (active cadres, or those graded where more), how many are graded, the cap (floor of rate ×
    taking part), how many are excellent, and the unit over whose subtree it is counted when
    the unit is pooled with its siblings (统筹), else None. `members`: the units of the pool
    (the unit alone when not pooled)."""

    unit: object
    year: int
    rate: object  # Decimal
    taking_part: int
    graded: int
    cap: int
    excellent: int
    pooled_with: object | None
    members: tuple = ()

    @property
    def remaining(self) -> int:
        return max(self.cap - self.excellent, 0)

    def describe(self) -> str:
        """The cap in words: "历下区 2025 年度优秀名额 3 名（参加考核 20 人 × 15%）"."""
        where = (_("%(parent)s下属%(n)s个单位统筹") % {"parent": self.pooled_with.name, "n": len(self.members)}
                 if self.pooled_with is not None else self.unit.name)
        return _("%(where)s %(year)s 年度优秀名额 %(cap)s 名（参加考核 %(n)s 人 × %(rate)s）") % {
            "where": where, "year": self.year, "cap": self.cap, "n": self.taking_part,
            "rate": percent(self.rate)}


def percent(rate) -> str:
    value = (Decimal(rate) * 100).normalize()
    return f"{value:f}%"


# Gates ---------------------------------------------------------------------------------------

SOURCE_QUARTERLY = "《公务员考核规定》（2020年）：年度考核优秀等次人选应当从平时考核结果“好”等次较多的公务员中产生"
SOURCE_WARNING = "《公务员考核规定》（2020年）、《行政机关公务员处分条例》：受警告处分的当年，年度考核不得确定为优秀等次"
SOURCE_ADMONISHMENT = "《关于对党员领导干部进行诫勉的规定》（2019年）：受到诫勉的，取消当年年度考核评优资格"
SOURCE_PERIOD = ("《公务员考核规定》（2020年）、《公务员法》第六十四条（处分期间）：受记过、记大过、降级、撤职处分期间"
                 "参加年度考核，只写评语，不确定等次")

# Sanctions whose whole effect period (公务员法 §64) leaves only 不定等次 with a comment.
PERIOD_KINDS = ("demerit", "major_demerit", "demotion", "dismissal_from_post", "expulsion")


def _all_but_excellent() -> frozenset[str]:
    from ..models import AnnualAssessment

    return frozenset(AnnualAssessment.Grade.values) - {AnnualAssessment.Grade.EXCELLENT}


def _gates_for(cadre_ids, years) -> dict[tuple[int, int], list[Gate]]:
    """{(cadre id, year): [Gate]} for every cadre id and year given, in two queries."""
    from discipline.models import Sanction

    from ..models import AnnualAssessment, QuarterlyAssessment

    cadre_ids, years = set(cadre_ids), set(years)
    if not cadre_ids or not years:
        return {}
    not_excellent = _all_but_excellent()
    only_not_graded = frozenset({AnnualAssessment.Grade.NOT_GRADED})
    found: dict[tuple[int, int], list[Gate]] = defaultdict(list)

    quarterly: dict[tuple[int, int], list[str]] = defaultdict(list)
    for cadre_id, year, grade in QuarterlyAssessment.objects.filter(
        cadre_id__in=cadre_ids, year__in=years
    ).values_list("cadre_id", "year", "grade"):
        quarterly[(cadre_id, year)].append(grade)
    needs_quarterly = settings.DANDANG.get("EXCELLENT_NEEDS_QUARTERLY", False)
    for cadre_id in cadre_ids:
        for year in years:
            grades = quarterly.get((cadre_id, year))
            if grades and QuarterlyAssessment.Grade.GOOD not in grades:
                found[(cadre_id, year)].append(Gate(
                    code="quarterly_good", label=_("平时考核无“好”等次，不得评为优秀"),
                    source=SOURCE_QUARTERLY, allowed=not_excellent,
                    message=_("%(year)s 年已记录 %(n)s 个季度的平时考核，均无“好”等次，不得评为优秀。")
                    % {"year": year, "n": len(grades)}))
            elif not grades and needs_quarterly:
                found[(cadre_id, year)].append(Gate(
                    code="quarterly_missing", label=_("未记录平时考核，不得评为优秀"),
                    source=SOURCE_QUARTERLY + _("（本地设置：须有平时考核记录）"), allowed=not_excellent,
                    message=_("%(year)s 年没有平时考核记录，不得评为优秀。") % {"year": year}))

    first, last = min(years), max(years)
    # The longest effect period is 24 months: a sanction decided more than two years before the
    # first year cannot reach it, except 开除, whose effect never ends.
    sanctions = Sanction.objects.filter(
        Q(decided_on__gte=dt.date(first - 2, 1, 1)) | Q(kind="expulsion"),
        cadre_id__in=cadre_ids, decided_on__lte=dt.date(last, 12, 31),
    ).only("id", "cadre_id", "kind", "decided_on").order_by("decided_on", "id")
    for sanction in sanctions:
        end = sanction.effect_ends_on
        for year in years:
            key = (sanction.cadre_id, year)
            start_of_year, end_of_year = dt.date(year, 1, 1), dt.date(year, 12, 31)
            decided_in_year = sanction.decided_on.year == year
            if sanction.kind == Sanction.Kind.WARNING and decided_in_year:
                found[key].append(Gate(
                    code="sanction_warning", label=_("受警告处分当年，不得评为优秀"), source=SOURCE_WARNING,
                    allowed=not_excellent,
                    message=_("%(date)s 受警告处分，%(year)s 年度不得评为优秀。")
                    % {"date": sanction.decided_on.isoformat(), "year": year}))
            elif sanction.kind == Sanction.Kind.ADMONISHMENT and decided_in_year:
                found[key].append(Gate(
                    code="admonishment", label=_("受诫勉当年，不得评为优秀"), source=SOURCE_ADMONISHMENT,
                    allowed=not_excellent,
                    message=_("%(date)s 受诫勉，%(year)s 年度不得评为优秀。")
                    % {"date": sanction.decided_on.isoformat(), "year": year}))
            elif (sanction.kind in PERIOD_KINDS and sanction.decided_on <= end_of_year
                  and (end is None or end >= start_of_year)):
                until = end.isoformat() if end else _("长期")
                found[key].append(Gate(
                    code="sanction_period", label=_("处分期间，只写评语，不确定等次"), source=SOURCE_PERIOD,
                    allowed=only_not_graded, needs_comment=True,
                    message=_("%(date)s 受%(kind)s处分，影响期至 %(until)s，%(year)s 年度只能“不定等次”并填写评语。")
                    % {"date": sanction.decided_on.isoformat(), "kind": sanction.get_kind_display(),
                       "until": until, "year": year}))
    return dict(found)


def gates(cadres: list, year: int) -> dict[int, list[Gate]]:
    """The gates that bite on each cadre's annual grade in year: {cadre id: [Gate]} (cadres
    without a gate are absent), in two queries however many cadres."""
    ids = [getattr(c, "pk", c) for c in cadres]
    return {cadre_id: found for (cadre_id, _year), found in _gates_for(ids, [year]).items()}


def gate_text(gate: Gate) -> str:
    """What a refused row reads: the message, then the rule and its source."""
    return _("%(message)s（规则：%(label)s；依据：%(source)s）") % {
        "message": gate.message, "label": gate.label, "source": gate.source}


# Quota -----------------------------------------------------------------------------------


def _rates(units) -> dict[int, Decimal]:
    """{unit id: rate} for units, in one query."""
    from ..models import ExcellenceRate

    default = Decimal(str(settings.DANDANG["EXCELLENT_RATE"]))
    by_unit, by_category = {}, {}
    categories = {u.category for u in units if u.category}
    for rate in ExcellenceRate.objects.filter(
        Q(unit_id__in=[u.pk for u in units]) | Q(category__in=categories, unit__isnull=True)
    ):
        if rate.unit_id:
            by_unit[rate.unit_id] = rate.rate
        else:
            by_category[rate.category] = rate.rate
    return {u.pk: by_unit.get(u.pk, by_category.get(u.category, default)) for u in units}


@dataclass
class _Tally:
    """Counts per unit and year the quota is computed from; the batch adjusts them."""

    active: dict  # unit id → active cadres
    graded: dict  # (unit id, year) → graded
    excellent: dict  # (unit id, year) → excellent


def _load(units_of_interest, years, *, lock: bool) -> tuple[dict, dict, _Tally]:
    """The units of interest with their siblings ({id: Unit}), their rates, and the stored counts,
    in four queries. With lock, the Unit rows are locked (SELECT ... FOR UPDATE, in id order) so
    that two writers counting the same unit or pool wait for each other."""
    from cadres.models import Cadre
    from core.models import Unit

    from ..models import AnnualAssessment

    ids = {u.pk for u in units_of_interest}
    parents = {u.parent_id for u in units_of_interest if u.parent_id}
    qs = Unit.objects.filter(Q(pk__in=ids) | Q(parent_id__in=parents)).order_by("pk")
    if lock and connection.in_atomic_block:
        qs = qs.select_for_update(of=("self",))
    units = {u.pk: u for u in qs.only("id", "name", "parent_id", "kind", "category", "path")}
    parent_units = {u.pk: u for u in Unit.objects.filter(pk__in=parents).only("id", "name", "path")} if parents else {}
    rates = _rates(list(units.values()))
    active = dict(Cadre.objects.filter(unit_id__in=units, status=Cadre.Status.ACTIVE)
                  .values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n"))
    graded, excellent = defaultdict(int), defaultdict(int)
    for unit_id, year, n, n_excellent in (
        AnnualAssessment.objects.filter(unit_id__in=units, year__in=years)
        .values("unit_id", "year")
        .annotate(n=Count("id"), e=Count("id", filter=Q(grade=AnnualAssessment.Grade.EXCELLENT)))
        .values_list("unit_id", "year", "n", "e")
    ):
        graded[(unit_id, year)] = n
        excellent[(unit_id, year)] = n_excellent
    for unit in units.values():
        unit.parent_unit = parent_units.get(unit.parent_id)
    return units, rates, _Tally(active=active, graded=graded, excellent=excellent)


def _quota(unit, year: int, units: dict, rates: dict, tally: _Tally) -> Quota:
    below = settings.DANDANG["EXCELLENT_POOL_BELOW"]

    def taking(u) -> int:
        return max(tally.active.get(u.pk, 0), tally.graded.get((u.pk, year), 0))

    members = [unit]
    if unit.parent_id and taking(unit) < below:
        members = [u for u in units.values()
                   if u.parent_id == unit.parent_id and u.kind == unit.kind and taking(u) < below]
    pooled = len(members) > 1
    taking_part = sum(taking(u) for u in members)
    cap = math.floor(sum(rates[u.pk] * taking(u) for u in members))
    return Quota(
        unit=unit, year=year, rate=rates[unit.pk], taking_part=taking_part,
        graded=sum(tally.graded.get((u.pk, year), 0) for u in members), cap=cap,
        excellent=sum(tally.excellent.get((u.pk, year), 0) for u in members),
        pooled_with=getattr(unit, "parent_unit", None) if pooled else None,
        members=tuple(sorted(members, key=lambda u: u.pk)),
    )


def quota(unit, year: int) -> Quota:
    """The unit's 优秀 quota for year (see the module's docstring), in five queries."""
    units, rates, tally = _load([unit], [year], lock=False)
    return _quota(units[unit.pk], year, units, rates, tally)


def over_cap_message(q: Quota) -> str:
    return _("超出优秀名额：%(cap)s，已有 %(n)s 名（规则：优秀等次比例上限；依据：《公务员考核规定》（2020年））") % {
        "cap": q.describe(), "n": q.excellent}


# The rules of a batch -------------------------------------------------------------------------


def rule_errors(rows: list[AnnualRow], *, lock: bool = True) -> dict[int, dict[str, list[str]]]:
    """The rules that refuse some of rows (the gates, the 优秀 cap), as {row index: {field:
    [messages]}}; empty when all may be saved together. Each message names its rule and source.

    Set-based: seven queries however many rows. The cap counts what is stored plus the batch,
    minus the stored grades the batch changes; a row that keeps a stored 优秀 never bites.
    Inside a transaction the Unit rows of every unit and pool the batch touches are locked
    first (lock=False for a read-only preview), so two requests cannot both take the last place."""
    from ..models import AnnualAssessment

    if not rows:
        return {}
    errors: dict[int, dict[str, list[str]]] = {}

    def add(index, name, message):
        errors.setdefault(index, {}).setdefault(name, []).append(message)

    excellent = AnnualAssessment.Grade.EXCELLENT
    # Gates.
    found = _gates_for({r.cadre.pk for r in rows}, {r.year for r in rows})
    for index, row in enumerate(rows):
        for gate in found.get((row.cadre.pk, row.year), ()):
            if row.grade not in gate.allowed:
                add(index, "grade", gate_text(gate))
            elif gate.needs_comment and not (row.comment or "").strip():
                add(index, "comment", _("%(message)s 请填写评语。（规则：%(label)s；依据：%(source)s）") % {
                    "message": gate.message, "label": gate.label, "source": gate.source})

    # The cap: the stored grades the batch replaces, by (cadre, year).
    stored = {
        (cadre_id, year): (unit_id, grade)
        for cadre_id, year, unit_id, grade in AnnualAssessment.objects.filter(
            cadre_id__in={r.cadre.pk for r in rows}, year__in={r.year for r in rows}
        ).values_list("cadre_id", "year", "unit_id", "grade")
    }
    touched_units = {r.cadre.unit.pk: r.cadre.unit for r in rows}
    from core.models import Unit

    missing = {unit_id for unit_id, _g in stored.values()} - set(touched_units)
    if missing:
        for unit in Unit.objects.filter(pk__in=missing):
            touched_units[unit.pk] = unit
    years = {r.year for r in rows}
    units, rates, tally = _load(list(touched_units.values()), years, lock=lock)
    # Apply the batch to the tally: remove what it replaces, add what it writes.
    row_unit = {}
    for index, row in enumerate(rows):
        before = stored.get((row.cadre.pk, row.year))
        unit_id = before[0] if before else row.cadre.unit.pk
        row_unit[index] = unit_id
        key = (unit_id, row.year)
        if before:
            tally.excellent[key] -= before[1] == excellent
        else:
            tally.graded[key] += 1
        tally.excellent[key] += row.grade == excellent
    # Refuse the batch's new 优秀 that go beyond the cap of their unit or pool, in the order given.
    quotas: dict[tuple[int, int], Quota] = {}
    new_excellent: list[tuple[int, tuple]] = []
    for index, row in enumerate(rows):
        before = stored.get((row.cadre.pk, row.year))
        if row.grade != excellent or (before and before[1] == excellent):
            continue  # not a 优秀, or keeps a place it already holds
        key = (row_unit[index], row.year)
        if key not in quotas:
            quotas[key] = _quota(units[key[0]], row.year, units, rates, tally)
        new_excellent.append((index, (tuple(u.pk for u in quotas[key].members), row.year)))
    taken = defaultdict(int)  # pool → the batch's new 优秀 counted so far
    new_in_pool = defaultdict(int)
    for _index, pool in new_excellent:
        new_in_pool[pool] += 1
    for index, pool in new_excellent:
        q = quotas[(row_unit[index], rows[index].year)]
        already = q.excellent - new_in_pool[pool] + taken[pool]
        taken[pool] += 1
        if already >= q.cap:
            add(index, "grade", over_cap_message(replace(q, excellent=already)))
    return errors


# Lists -------------------------------------------------------------------------------------


def annual_list(*, user):
    """Annual grades the user may see (permissions.annual_visible_q)."""
    from .. import permissions
    from ..models import AnnualAssessment

    return (AnnualAssessment.objects.filter(permissions.annual_visible_q(user))
            .select_related("cadre", "unit").order_by("-year", "cadre_id", "id"))


def quarterly_list(*, user):
    """Quarterly grades the user may see."""
    from .. import permissions
    from ..models import QuarterlyAssessment

    return (QuarterlyAssessment.objects.filter(permissions.annual_visible_q(user))
            .select_related("cadre", "unit").order_by("-year", "-quarter", "cadre_id", "id"))


def review_list(*, user):
    """Reviews (复核/申诉) of the grades the user may see."""
    from .. import permissions
    from ..models import AnnualReview

    return (AnnualReview.objects.filter(permissions.review_visible_q(user))
            .select_related("assessment__cadre", "assessment__unit").order_by("-requested_on", "-id"))


def cadres_by_id(*, user, ids) -> dict:
    """{id: Cadre} of the given ids the user may see, with their units, in one query (a list
    POST resolves its cadres at once)."""
    from cadres.models import Cadre

    from .. import permissions

    return (Cadre.objects.filter(permissions.cadre_record_visible_q(user, ""))
            .select_related("unit").in_bulk(list(ids)))
