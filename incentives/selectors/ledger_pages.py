"""Reads behind the ledger's pages (激励台账 in the browser): a cadre's years with the "why" of
every figure, the distribution chart of a unit's year, the Excel export, the running tallies.
The rows themselves, a unit's sums and the 红黑榜 are selectors.ledger's; this module only
explains and presents them, every read scoped through permissions (or selectors.ledger, which
asks it).

An entry of a ledger row (API.md) is {"kind": "rule" | "record", "code", "label", "points",
"source"} (+ "pending": true). Read here, tolerantly, as the tally writes it:
- a record entry names its record by "record" (an id) or, failing that, by "source" when that
  is an id;
- a rule entry names its rule by "rule" (the id of the version applied) or else by "code" (the
  current version of that code); "proposal" (an id) ties a pending entry to its proposal;
- any "source" that is text is shown as it is (e.g. the years a streak rests on)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import AnnualAssessment, TeamAssessment
from core.jobs import job_list_visible
from core.models import Job
from discipline.models import Sanction

from .. import permissions
from ..models import AccumulationRule, IncentiveRecord, LedgerRow, Measure, RuleProposal
from .ledger import ledger_list

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def default_year(*, user) -> int:
    """The newest year of the ledger the user may see; last year while there is none."""
    newest = ledger_list(user=user).order_by().aggregate(newest=Max("year"))["newest"]
    return newest or timezone.localdate().year - 1


# Rules in words -------------------------------------------------------------------------------


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def rule_in_words(rule: AccumulationRule) -> str:
    """A rule's kind and parameters as a sentence, e.g. 连续 3 个年度考核等次为“优秀”."""
    params = dict(rule.params or {})
    grade = params.pop("grade", None)
    Kind = AccumulationRule.Kind
    if rule.kind == Kind.GRADE_IN_YEAR:
        text = _("当年年度考核等次为“%(grade)s”") % {
            "grade": _label(AnnualAssessment.Grade, grade)}
    elif rule.kind == Kind.STREAK:
        text = _("连续 %(years)s 个自然年度考核等次为“%(grade)s”（中间缺一年或为不定等次即中断）") % {
            "years": params.pop("years", "?"), "grade": _label(AnnualAssessment.Grade, grade)}
    elif rule.kind == Kind.TEAM_GRADE:
        text = _("班子年度考核等次为“%(grade)s”，适用于该班子主要负责人") % {
            "grade": _label(TeamAssessment.Grade, grade)}
    elif rule.kind == Kind.BOTTOM_ESCALATION:
        text = _("班子考核处于同类别末位，措施升级至“%(step)s”") % {
            "step": _label(TeamAssessment.Escalation, params.pop("escalation", ""))}
    elif rule.kind == Kind.SANCTION_BLOCK:
        kinds = params.pop("kinds", []) or []
        text = _("受%(kinds)s处分（或诫勉）影响期内，不给予正向激励") % {
            "kinds": "、".join(_label(Sanction.Kind, k) for k in kinds) or _("各类")}
    else:
        text = rule.get_kind_display()
    if grade is not None and rule.kind not in (Kind.GRADE_IN_YEAR, Kind.STREAK, Kind.TEAM_GRADE):
        params["grade"] = grade
    rest = "；".join(f"{key}：{value}" for key, value in sorted(params.items()))
    return f"{text}（{rest}）" if rest else text


def measure_in_words(measure: Measure | None) -> str:
    if measure is None:
        return ""
    sign = "+" if measure.direction == Measure.Direction.POSITIVE else "−"
    return _("%(name)s（%(direction)s，%(sign)s%(points)s 分）") % {
        "name": measure.name, "direction": measure.get_direction_display(), "sign": sign,
        "points": measure.points}


# A cadre's ledger -----------------------------------------------------------------------------


@dataclass
class Why:
    """One figure of a cadre's year and what it rests on."""

    kind: str  # "rule" or "record"
    code: str
    label: str
    points: int
    pending: bool = False
    source: str = ""
    rule: AccumulationRule | None = None
    rule_words: str = ""
    record: IncentiveRecord | None = None
    record_id: int | None = None
    proposal: RuleProposal | None = None


@dataclass
class LedgerYear:
    year: int
    row: LedgerRow | None
    whys: list[Why] = field(default_factory=list)

    @property
    def pending(self) -> list[Why]:
        return [w for w in self.whys if w.pending]

    @property
    def counted(self) -> list[Why]:
        return [w for w in self.whys if not w.pending]


def _as_id(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def cadre_ledger(*, user, cadre) -> list[LedgerYear]:
    """Every year of a cadre's ledger, newest first, each entry resolved to its rule (with its
    parameters in words) or record; pending proposals marked pending, counting nothing. A
    fixed number of queries whatever the years and entries. The caller has checked the cadre is
    visible (cadres.selectors.cadre_get)."""
    rows = list(ledger_list(user=user, cadre=cadre).order_by("-year"))
    pending = list(RuleProposal.objects.filter(
        permissions.cadre_row_visible_q(user), cadre=cadre, state=RuleProposal.State.PENDING,
    ).select_related("rule__measure").order_by("-year", "rule_id"))

    record_ids, rule_ids, rule_codes = set(), set(), set()
    for row in rows:
        for entry in row.entries or []:
            if entry.get("kind") == "record":
                record_ids.add(_as_id(entry.get("record")) or _as_id(entry.get("source")))
            else:
                rule_ids.add(_as_id(entry.get("rule")))
                rule_codes.add(str(entry.get("code") or ""))
    record_ids.discard(None)
    rule_ids.discard(None)
    rule_codes.discard("")
    records = {r.pk: r for r in IncentiveRecord.objects.filter(
        permissions.record_visible_q(user), pk__in=record_ids).select_related("measure")} \
        if record_ids else {}
    rules_by_id, rules_by_code = {}, {}
    if rule_ids or rule_codes:
        for rule in AccumulationRule.objects.filter(
                Q(pk__in=rule_ids) | Q(code__in=rule_codes, is_current=True)).select_related("measure"):
            rules_by_id[rule.pk] = rule
            if rule.is_current:
                rules_by_code[rule.code] = rule

    years: dict[int, LedgerYear] = {row.year: LedgerYear(row.year, row) for row in rows}
    by_year_code: dict[tuple[int, str], RuleProposal] = {(p.year, p.rule.code): p for p in pending}
    shown: set[int] = set()
    for row in rows:
        for entry in row.entries or []:
            kind = "record" if entry.get("kind") == "record" else "rule"
            why = Why(kind=kind, code=str(entry.get("code") or ""),
                      label=str(entry.get("label") or ""), points=int(entry.get("points") or 0),
                      pending=bool(entry.get("pending")))
            source = entry.get("source")
            if isinstance(source, str) and not source.isdigit():
                why.source = source
            if kind == "record":
                why.record_id = _as_id(entry.get("record")) or _as_id(source)
                why.record = records.get(why.record_id)
            else:
                why.rule = rules_by_id.get(_as_id(entry.get("rule"))) or rules_by_code.get(why.code)
                why.rule_words = rule_in_words(why.rule) if why.rule else ""
            if why.pending:
                why.proposal = next((p for p in pending if p.pk == _as_id(entry.get("proposal"))),
                                    None) or by_year_code.get((row.year, why.code))
                if why.proposal is not None:
                    shown.add(why.proposal.pk)
            years[row.year].whys.append(why)
    # Pending proposals the tally has not written into an entry yet: shown all the same.
    for proposal in pending:
        if proposal.pk in shown:
            continue
        year = years.setdefault(proposal.year, LedgerYear(proposal.year, None))
        measure = proposal.rule.measure
        year.whys.append(Why(
            kind="rule", code=proposal.rule.code, label=proposal.rule.label,
            points=measure.signed_points if measure else 0, pending=True, rule=proposal.rule,
            rule_words=rule_in_words(proposal.rule), proposal=proposal))
    return [years[y] for y in sorted(years, reverse=True)]


# A unit's year: the chart and the export -----------------------------------------------------


def net_distribution(*, user, unit, year: int, max_bars: int = 15) -> dict:
    """How many cadres of the unit's subtree stand at each net score (one query): one bar per
    score while there are few, else max_bars equal bins. For the chart (json_script)."""
    counts = dict(ledger_list(user=user, year=year, unit=unit).order_by()
                  .values_list("net").annotate(n=Count("id")).values_list("net", "n"))
    bars: list[dict] = []
    if len(counts) <= max_bars:
        for net in sorted(counts):
            bars.append({"label": f"{net:+d}" if net else "0", "count": counts[net],
                         "sign": (net > 0) - (net < 0)})
    else:
        low, high = min(counts), max(counts)
        width = -(-(high - low + 1) // max_bars)
        for start in range(low, high + 1, width):
            end = min(start + width - 1, high)
            n = sum(c for net, c in counts.items() if start <= net <= end)
            middle = (start + end) / 2
            bars.append({"label": f"{start:+d}～{end:+d}", "count": n,
                         "sign": (middle > 0) - (middle < 0)})
    return {"bars": bars, "count_label": _("人数"), "axis_label": _("净分"),
            "total": sum(counts.values())}


def _text_cell(cell) -> None:
    # A name or a reason that begins with "=" stays text: never a formula in the reader's Excel.
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"


def ledger_workbook(*, user, unit, year: int) -> bytes:
    """The unit's year as the page shows it, every row (best first) with what each figure rests
    on, and the subtree's totals; a fixed number of queries (rows read in chunks)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from .ledger import unit_totals

    book = Workbook()
    sheet = book.active
    sheet.title = _("激励台账")
    sheet.append([_("%(unit)s %(year)s 年度激励台账") % {"unit": unit.name, "year": year}])
    sheet["A1"].font = Font(bold=True, size=13)
    header = [_("排名"), _("干部"), _("单位"), _("现任职务"), _("正向分"), _("反向分"), _("净分"),
              _("明细")]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    rows = ledger_list(user=user, year=year, unit=unit)
    for rank, row in enumerate(rows.iterator(chunk_size=2000), start=1):
        details = "；".join(
            "%s %+d%s" % (e.get("label", ""), int(e.get("points") or 0),
                          _("（待确认，不计分）") if e.get("pending") else "")
            for e in row.entries or [])
        sheet.append([rank, row.cadre.name, row.unit.name, row.cadre.position_title,
                      row.positive, row.negative, row.net, details])
    totals = unit_totals(user=user, unit=unit, year=year)
    sheet.append([_("合计"), "", "", "", totals["positive"], totals["negative"], totals["net"], ""])
    sheet[sheet.max_row][0].font = Font(bold=True)
    for line in sheet.iter_rows(min_row=3, min_col=2, max_col=8):
        for cell in line:
            _text_cell(cell)
    for column, width in zip("ABCDEFGH", (8, 12, 24, 24, 10, 10, 10, 60), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Running tallies ------------------------------------------------------------------------------


@dataclass
class TallyState:
    """The tally job to show on the ledger page (the user's own or, for an administrator, any;
    the one just started even when already finished), and whether any tally is running."""

    job: Job | None
    running: bool


def tally_state(*, user, kind: str, job_id: int | None = None) -> TallyState:
    """At most two queries: the newest active (or just started) job of kind (the tally's,
    services.ledger.TALLY_JOB) the user may see, and whether one of anyone's runs now."""
    wanted = Q(state__in=Job.ACTIVE_STATES)
    if job_id:
        wanted |= Q(pk=job_id)
    job = (job_list_visible(user=user).filter(wanted, kind=kind)
           .order_by("-created_at", "-pk").first())
    running = (job is not None and job.state in Job.ACTIVE_STATES) or Job.objects.filter(
        kind=kind, state__in=Job.ACTIVE_STATES).exists()
    return TallyState(job=job, running=running)
