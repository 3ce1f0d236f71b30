"""The tally (激励台账): set-based SQL, replacing a scope's ledger rows in one transaction, run
as a core job of kind TALLY_JOB (incentives.jobs).

How a tally runs (`tally`):
1. Tallies are serialised (`_serialised`: on PostgreSQL a session advisory lock, which a killed
   worker's connection drops; on SQLite one IMMEDIATE transaction holding the write lock), so a
   tally always stages from data committed after the previous one swapped its rows. The same
   statements run on both: the few fragments that differ are chosen in `_DIALECTS`.
2. The entries: the rules of the current version (grade in a year, streaks, team grades for
   the principal leaders, the pending 末位 measures) and the incentive records, each kind of
   source a set-based statement (window functions for streaks; the protected matters joined
   set-wise). Only the entries that need a second look go into a temporary table (staging):
   the rule outcomes that need a decision, and every rule outcome of a cadre a sanction may
   block (a sanction period then blocks the positive ones of the years it touches); the rest
   are read straight from the sources where the rows are aggregated, and again, for the
   changed rows only, where their text is built. A scope with no ledger row yet (its first
   tally: every row is written) stages every entry instead. Progress is written between
   statements (the job page's bar and its heartbeat).
3. The swap, in ONE transaction: the job's attempt fence is checked (a run taken over writes
   nothing), the rules that need a decision get their pending RuleProposal rows, rows of the
   scope no longer derived are deleted and the rest upserted (a row is written only when it
   changed, found by a digest of its entries before any JSON is built, so the same
   inputs leave the same ledger, tallied_at included; a full tally rewriting most of the
   ledger builds its secondary indexes again afterwards, `_bulk`), and one audit_run
   entry records the inputs, the rules version, the counts and the ledger's checksum. Readers
   (READ COMMITTED) see the old ledger or the new one, never a mix.

What counts (the entries, API.md "Ledger entries"; besides "source", a record entry names its
record by "record": id, a rule entry its rule version by "rule": id, and an entry pending or
dismissed its RuleProposal by "proposal": id, for the pages' links):
- a rule outcome counts the signed points of its measure; one that needs a decision counts
  nothing and is marked "pending" until confirmed (the confirmed record then counts, source
  `rule`) or dismissed ("dismissed", nothing counted);
- a record counts its measure's signed points, except a negative record resting on a tolerance
  case that protects the cadre (Case.protects_q, the cadre among its subjects): "exempted",
  nothing counted;
- a positive rule outcome in a year a sanction's effect period touches: "blocked", nothing
  counted, and the sanction_block rule's own entry says which sanction;
- a negative rule outcome rests on an annual grade, never on a case. An exemption reaches it
  through the grade: assessments grade a protected matter on review (a changed grade sends
  grades_saved), and the tally then follows the grade it is given.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import time

from django.db import connection, transaction
from django.utils import timezone

TALLY_JOB = "incentives.tally"
# Any fixed 64-bit number: the session lock that serialises tallies.
_TALLY_LOCK_KEY = 0x1EDCE7A11


def recompute_start(*, actor, cadre_ids: list[int] | None = None, year: int | None = None,
                    unit=None):
    """Start a tally (all cadres, those given, or those of unit and below; every year, or the
    one given) as a job and return it (202 in the API; its page shows the progress). A tally of
    the same scope already queued or running is returned instead. actor None: the system
    (beat, the receivers). Raises PermissionDenied: a unit outside the actor's scope, or
    everyone's ledger asked for by anyone but an administrator."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    from core.jobs import job_start
    from core.models import Job, Role
    from core.services import require_role

    from .. import permissions

    if actor is not None:
        require_role(actor, Role.STAFF, Role.ADMIN)
        if unit is not None and not permissions.can_write_unit(actor, unit):
            raise PermissionDenied(_("只有管辖该单位的干部工作人员或管理员可以重新计算台账。"))
        if unit is None and cadre_ids is None and not permissions.can_recompute_all(actor):
            raise PermissionDenied(_("只有管理员可以重算全部台账，请指定单位或干部。"))
    params: dict = {"cadre_ids": None, "year": year}
    if unit is not None:
        # The unit, not its cadres' ids: a district's thousands of ids would fill the job's
        # row, and the cadres are read when the tally runs (those moved in meanwhile count).
        params["unit"] = unit.pk
        scope = f"unit{unit.pk}"
    else:
        if cadre_ids is not None:
            params["cadre_ids"] = cadre_ids = sorted({int(i) for i in cadre_ids})
        scope = "all" if cadre_ids is None else ",".join(str(i) for i in cadre_ids)
        if len(scope) > 120:
            scope = "h" + hashlib.sha256(scope.encode()).hexdigest()[:32]
    key = f"{TALLY_JOB}:{scope}:{year or 'all'}"
    # A running tally of the scope may have staged before the change that asks again: coalesce
    # with a queued one only, never with one already running.
    if Job.objects.filter(dedupe_key=key, state=Job.State.RUNNING).exists():
        key += ":next"
    return job_start(kind=TALLY_JOB, actor=actor, params=params, dedupe_key=key)


def job_cadre_ids(params: dict) -> list[int] | None:
    """The cadres a tally job's params name: its unit's and those below it (read now), the ids
    it lists, or None for everyone."""
    from cadres.models import Cadre
    from core.models import Unit

    if params.get("unit") is not None:
        path = Unit.objects.filter(pk=params["unit"]).values_list("path", flat=True).first()
        if path is None:
            return []
        return list(Cadre.objects.filter(unit__path__startswith=path).order_by("pk")
                    .values_list("pk", flat=True))
    return params.get("cadre_ids")


# The rules, as the tally reads them ------------------------------------------------------------


def _current_rules() -> tuple[list[dict], str]:
    """The current rules as rows for the SQL (the tally_rules table), and the rules version: a
    digest of every current code@version."""
    from ..models import AccumulationRule, Measure

    rows = []
    for rule in AccumulationRule.objects.filter(is_current=True).select_related("measure") \
            .order_by("code"):
        params = rule.params or {}
        measure = rule.measure
        rows.append({
            "id": rule.pk, "code": rule.code, "kind": rule.kind, "label": rule.label,
            "version": rule.version, "needs_confirmation": rule.needs_confirmation,
            "grade": params.get("grade"), "years": params.get("years"),
            "escalation": params.get("escalation"), "kinds": params.get("kinds") or [],
            "points": (0 if measure is None else
                       measure.points if measure.direction == Measure.Direction.POSITIVE
                       else -measure.points),
        })
    digest = hashlib.sha256(
        "|".join(f"{r['code']}@{r['version']}" for r in rows).encode()).hexdigest()[:16]
    return rows, f"rules:{digest}"


def _tables() -> dict[str, str]:
    from assessments.models import AnnualAssessment, TeamAssessment, TeamMeasureProposal
    from cadres.models import Cadre
    from core.models import Unit
    from discipline.models import Sanction
    from fault_tolerance.models import Case

    from ..models import AccumulationRule, IncentiveRecord, LedgerRow, Measure, RuleProposal

    return {
        "annual": AnnualAssessment._meta.db_table, "team": TeamAssessment._meta.db_table,
        "team_proposal": TeamMeasureProposal._meta.db_table, "cadre": Cadre._meta.db_table,
        "sanction": Sanction._meta.db_table, "case": Case._meta.db_table,
        "case_subjects": Case.subject_cadres.through._meta.db_table,
        "record": IncentiveRecord._meta.db_table, "measure": Measure._meta.db_table,
        "proposal": RuleProposal._meta.db_table, "rule": AccumulationRule._meta.db_table,
        "ledger": LedgerRow._meta.db_table, "unit": Unit._meta.db_table,
    }


# The dialects ----------------------------------------------------------------------------------
# ONE tally on PostgreSQL and SQLite: the same statements, with the few fragments that differ
# chosen here. A fragment applied to columns is written {name[col]} or {name[col, other]} in a
# statement.


class _Fragment:
    def __init__(self, template: str):
        self.template = template

    def __getitem__(self, cols: str) -> str:
        return self.template.format(*(c.strip() for c in cols.split(",")))


# An entry of a ledger row as a JSON object without its null keys (the pairs are shared).
_ENTRY_PAIRS = """
           'kind', e.kind, 'code', e.code, 'label', e.label,
           'points', CASE WHEN e.flag IS NULL THEN e.points ELSE 0 END,
           'source', e.source, 'from_year', e.from_year,
           'record', e.record_id, 'rule', e.rule_id, 'proposal', e.proposal_id,
           'pending', CASE WHEN e.flag = 'pending' THEN {true} END,
           'dismissed', CASE WHEN e.flag = 'dismissed' THEN {true} END,
           'blocked', CASE WHEN e.flag = 'blocked' THEN {true} END,
           'exempted', CASE WHEN e.flag = 'exempted' THEN {true} END"""

# An entry of a ledger row as JSON text, built by concatenation (PostgreSQL): the same keys
# as _ENTRY_PAIRS without their nulls, and cheaper than jsonb_build_object and
# jsonb_strip_nulls. A row's entries stay text until written, and only a changed row is
# written: the rest are compared by the digest of that text. The flags exclude each other; a
# source is the tally's own "<kind>:<id>" and needs no escaping.
_ENTRY_TEXT = """'{{"kind":"' || e.kind || '","code":' || to_json(e.code) || ',"label":'
  || to_json(e.label) || ',"points":' || CASE WHEN e.flag IS NULL THEN e.points ELSE 0 END
  || ',"source":"' || e.source || '"' || coalesce(',"from_year":' || e.from_year, '')
  || coalesce(',"record":' || e.record_id, '') || coalesce(',"rule":' || e.rule_id, '')
  || coalesce(',"proposal":' || e.proposal_id, '')
  || CASE e.flag WHEN 'pending' THEN ',"pending":true' WHEN 'dismissed' THEN ',"dismissed":true'
                 WHEN 'blocked' THEN ',"blocked":true' WHEN 'exempted' THEN ',"exempted":true'
                 ELSE '' END || '}}'"""

# A ledger row as a line of the checksum (its entries by their digest).
_LINE = "cadre_id || ':' || year || ':' || positive || ':' || negative || ':' || digest"

# The fragments (their table names filled in: {ledger}).
_DIALECTS = {
    "postgresql": {
        "temp": "pg_temp",
        # %(cadres)s: a bigint[] (or NULL: every cadre).
        # A scope of cadres (for every cadre, _fragments_and_params writes TRUE instead).
        "scope": _Fragment("{0} = ANY(%(cadres)s::bigint[])"),
        "year_of": _Fragment("extract(year FROM {0})::int"),
        # The year of the last day of a period of {1} months from {0}.
        "end_year": _Fragment("extract(year FROM ({0} + make_interval(months => {1}))::date - 1)"
                              "::int"),
        # The entries as JSON text (written as jsonb, the same value jsonb_agg would give).
        "entries": "'[' || string_agg(" + _ENTRY_TEXT + ", ',') || ']'",
        "as_json": _Fragment("CAST({0} AS jsonb)"),
        # A row's digest, from its staged entries without building their text: the XOR of
        # each entry's 64-bit hash (order-free, so no sort: the entries' order follows from
        # their content, and no two entries of a row are alike). The text is then built for
        # the changed rows only.
        "digest": "CAST(bit_xor(hash_record_extended((e.kind, e.code, e.label, e.points,"
                  " e.source, e.flag, e.from_year, e.record_id, e.rule_id, e.proposal_id), 0))"
                  " AS text)",
        "digest_from": _Fragment("({0})"),
        # The checksum: the rows' lines hashed and summed (no sort), as a fixed-length md5.
        "checksum": "md5(count(*) || ':' || coalesce(sum(hash_record_extended((cadre_id, year,"
                    " positive, negative, digest), 0)), 0))",
        "lines_from": "tally_rows",
        "distinct": "IS DISTINCT FROM",
    },
    # SQLite (`make run`): json1 for the entries and no array type (the scope is a JSON array);
    # md5 is Django's own SQLite function. json_group_array and group_concat take no ORDER BY
    # before SQLite 3.44.
    "sqlite": {
        "temp": "temp",
        "scope": _Fragment("{0} IN (SELECT value FROM json_each(%(cadres)s))"),
        "year_of": _Fragment("CAST(strftime('%%Y', {0}) AS integer)"),
        "end_year": _Fragment("CAST(strftime('%%Y', date({0}, '+' || {1} || ' months', '-1 day'))"
                              " AS integer)"),
        # json_patch onto {} drops the null keys.
        "entries": "json_group_array(json_patch('{{}}', json_object("
                   + _ENTRY_PAIRS.format(true="json('true')") + ")))",
        "as_json": _Fragment("{0}"),
        # A row's digest: md5 of its entries' text, built from the ordered entries.
        "digest": "md5(json_group_array(json_patch('{{}}', json_object("
                  + _ENTRY_PAIRS.format(true="json('true')") + "))))",
        "digest_from": _Fragment("(SELECT * FROM ({0}) e ORDER BY cadre_id, year, ord, code,"
                                 " source)"),
        "checksum": "md5(coalesce(group_concat(" + _LINE + ", '|'), ''))",
        "lines_from": "(SELECT * FROM tally_rows ORDER BY cadre_id, year)",
        "distinct": "IS NOT",
    },
}


def _dialect() -> dict:
    try:
        return _DIALECTS[connection.vendor]
    except KeyError:
        raise NotImplementedError(
            f"the tally runs on PostgreSQL or SQLite, not {connection.vendor}") from None


def _array(values):
    """A list parameter as the dialect's scope reads it (a bigint[], or a JSON array)."""
    if values is None:
        return None
    return list(values) if connection.vendor == "postgresql" else json.dumps(list(values))


def _case(expr: str, name: str, mapping: dict, default=None) -> tuple[str, dict]:
    """CASE expr WHEN <key> THEN <value> … END with the keys and values as parameters."""
    sql, params = [f"CASE {expr}"], {}
    for i, (key, value) in enumerate(mapping.items()):
        sql.append(f"WHEN %({name}_k{i})s THEN %({name}_v{i})s")
        params[f"{name}_k{i}"], params[f"{name}_v{i}"] = key, value
    if default is not None:
        sql.append(f"ELSE %({name}_else)s")
        params[f"{name}_else"] = default
    sql.append("END")
    return " ".join(sql), params


# The entries (%(cadres)s: the cadre ids or NULL for all; %(year)s: a year or NULL), as the
# columns of tally_entries. `flag`: NULL (counts), pending, dismissed, blocked, exempted.
# `rule_id` keeps the rule version (the proposals, the entry's "rule"), `record_id` and
# `proposal_id` the entry's other links; `ord` orders a row's entries.
#
# Most entries need nothing after they are derived: they are read straight from the sources
# where they are aggregated (the rows' figures and digests), and again, for the changed rows
# only, where their text is built. Only the few that need a second look are staged in
# tally_entries: the rule outcomes that need a decision (their proposals are written and read
# back) and every rule outcome of a cadre a sanction may block (the block is set on them and
# the sanction's own entry added). {part[col]} splits the rule sources between the two: the
# "staged" part and the "direct" part, complements of each other.
_CREATE = """
DROP TABLE IF EXISTS {temp}.tally_rules;
DROP TABLE IF EXISTS {temp}.tally_rule_kinds;
DROP TABLE IF EXISTS {temp}.tally_entries;
DROP TABLE IF EXISTS {temp}.tally_blocking;
CREATE TEMP TABLE tally_rules (
  id bigint, code text, kind text, label text, version int, needs_confirmation boolean,
  grade text, years int, escalation text, points int);
CREATE TEMP TABLE tally_rule_kinds (rule_id bigint, kind text);
CREATE TEMP TABLE tally_entries (
  cadre_id bigint NOT NULL, year int NOT NULL, kind text NOT NULL, code text NOT NULL,
  label text NOT NULL, points int NOT NULL, source text NOT NULL, flag text, rule_id bigint,
  from_year int, ord int NOT NULL, record_id bigint, proposal_id bigint);
"""

_YEAR = "(CAST(%(year)s AS integer) IS NULL OR {col} = CAST(%(year)s AS integer))"

# Has the scope any ledger row yet? (None: its first tally, which stages every entry.)
_FIRST = ("SELECT count(*) FROM (SELECT 1 FROM {ledger} WHERE {scope[cadre_id]} AND "
          + _YEAR.format(col="year") + " LIMIT 1) x")

# The effect periods of the sanctions that block (their first and last years).
_PERIODS = """
SELECT q.id, q.cadre_id, q.rule_id, q.code, q.label, {year_of[q.decided_on]} AS y0,
       {end_year[q.decided_on, q.months]} AS y1
FROM (
  SELECT s.id, s.cadre_id, s.decided_on, r.id AS rule_id, r.code, r.label,
         {effect_months} AS months
  FROM {sanction} s JOIN tally_rule_kinds k ON k.kind = s.kind
  JOIN tally_rules r ON r.id = k.rule_id AND r.kind = 'sanction_block'
  WHERE {scope[s.cadre_id]}
) q"""

# Which part of a rule source an instance reads (r: the rule, {0}: the cadre): staged (a rule
# that needs a decision, or a cadre with a blocking sanction in the scope), or direct (the rest).
_STAGED_PART = _Fragment("(r.needs_confirmation OR EXISTS (SELECT 1 FROM tally_blocking b"
                         " WHERE b.cadre_id = {0}))")
_DIRECT_PART = _Fragment("NOT r.needs_confirmation AND NOT EXISTS (SELECT 1 FROM tally_blocking b"
                         " WHERE b.cadre_id = {0})")

# 1. A grade in a year (优秀 → 嘉奖, 基本称职 → 诫勉谈话, 不称职 → 降级 proposal).
_GRADE = """
SELECT a.cadre_id, a.year, 'rule', r.code, r.label, r.points, 'annual-assessment:' || a.id,
       CASE WHEN r.needs_confirmation THEN 'pending' END, r.id, CAST(NULL AS integer), 1,
       CAST(NULL AS bigint), CAST(NULL AS bigint)
FROM {annual} a JOIN tally_rules r ON r.kind = 'grade_in_year' AND a.grade = r.grade
WHERE {scope[a.cadre_id]} AND {part[a.cadre_id]} AND """ + _YEAR.format(col="a.year")

# 2. Streaks: calendar years in a row at a grade. Only the years at the grade take part, so a
# missing year or a year at another grade (不定等次 included) breaks the run: its years minus
# their row numbers differ. The rule fires at every N-th year of a run. (The part is chosen
# before the window: a rule's and a cadre's grades are all in it or all out.)
_STREAK = """
SELECT s.cadre_id, s.year, 'rule', s.code, s.label, s.points, 'annual-assessment:' || s.id,
       CASE WHEN s.needs_confirmation THEN 'pending' END, s.rule_id, s.year - s.years + 1, 2,
       CAST(NULL AS bigint), CAST(NULL AS bigint)
FROM (
  SELECT g.*, row_number() OVER (PARTITION BY g.rule_id, g.cadre_id, g.run
                                 ORDER BY g.year) AS len
  FROM (
    SELECT a.id, a.cadre_id, a.year, r.id AS rule_id, r.code, r.label, r.points, r.years,
           r.needs_confirmation,
           a.year - row_number() OVER (PARTITION BY r.id, a.cadre_id ORDER BY a.year) AS run
    FROM {annual} a JOIN tally_rules r ON r.kind = 'streak' AND a.grade = r.grade
    WHERE {scope[a.cadre_id]} AND {part[a.cadre_id]}
  ) g
) s
WHERE s.len %% s.years = 0 AND """ + _YEAR.format(col="s.year")

# 3. A team grade: the measure for the unit's principal leaders (its active cadres at the
# highest post level held in it, as assessments.selectors.team.principal_leaders).
_TEAM = """
SELECT l.id, t.year, 'rule', r.code, r.label, r.points, 'team-assessment:' || t.id,
       CASE WHEN r.needs_confirmation THEN 'pending' END, r.id, CAST(NULL AS integer), 3,
       CAST(NULL AS bigint), CAST(NULL AS bigint)
FROM {team} t
JOIN tally_rules r ON r.kind = 'team_grade' AND t.grade = r.grade
JOIN (
  SELECT c.id, c.unit_id, rank() OVER (PARTITION BY c.unit_id ORDER BY {level_rank}) AS rk
  FROM {cadre} c WHERE c.status = 'active' AND {scope_units}
) l ON l.unit_id = t.unit_id AND l.rk = 1
WHERE {scope[l.id]} AND {part[l.id]} AND """ + _YEAR.format(col="t.year")

# 5. Records of a cadre; a negative one resting on a case that protects the cadre counts
# nothing (joined set-wise on the case's subjects). Staged only when everything is
# ({record_part}).
_RECORDS = """
SELECT rec.cadre_id, {year_of[rec.date]}, 'record', m.code,
       m.name || '：' || rec.reason,
       CASE WHEN m.direction = 'positive' THEN m.points ELSE -m.points END,
       'record:' || rec.id,
       CASE WHEN m.direction = 'negative' AND EXISTS (
              SELECT 1 FROM {case} c JOIN {case_subjects} cs ON cs.case_id = c.id
              WHERE c.id = rec.case_id AND cs.cadre_id = rec.cadre_id
                AND c.outcome = 'exempted' AND c.state IN ({protecting}))
            THEN 'exempted' END,
       CAST(NULL AS bigint), CAST(NULL AS integer), 5, rec.id, CAST(NULL AS bigint)
FROM {record} rec JOIN {measure} m ON m.id = rec.measure_id
WHERE rec.cadre_id IS NOT NULL AND {scope[rec.cadre_id]} AND {record_part}
  AND (CAST(%(year)s AS integer) IS NULL
  OR rec.date >= %(year_start)s AND rec.date < %(year_end)s)"""


def _part(sql: str, part: str) -> str:
    return (sql.replace("{part[", "{" + part + "[")
            .replace("{record_part}", "{" + part.replace("part", "record_part") + "}"))


# Every entry of the scope: the staged ones (first: their columns name the union's), then the
# direct ones from the sources. Filled in by _with_parts ({entries_all}), and once more read
# through the changed rows' cadres only ({entries_changed}: the scope narrowed to them).
_ENTRIES = ("SELECT * FROM tally_entries UNION ALL "
            + " UNION ALL ".join(_part(sql, "direct_part")
                                 for sql in (_GRADE, _STREAK, _TEAM, _RECORDS)))

_STAGE = [
    # The cadres a sanction of the scope may block: their rule outcomes are staged.
    """
CREATE TEMP TABLE tally_blocking AS SELECT DISTINCT p.cadre_id FROM ({periods}) p""",
    *("INSERT INTO tally_entries " + _part(sql, "staged_part")
      for sql in (_GRADE, _STREAK, _TEAM, _RECORDS)),
    # 4. 末位倒逼: a measure assessments proposes and staff have not decided yet shows pending
    # (a confirmed one arrives as an incentive record, source assessment).
    """
INSERT INTO tally_entries
SELECT p.cadre_id, t.year, 'rule', r.code, r.label, 0, 'team-measure-proposal:' || p.id,
       'pending', r.id, CAST(NULL AS integer), 4, CAST(NULL AS bigint), CAST(NULL AS bigint)
FROM {team_proposal} p JOIN {team} t ON t.id = p.assessment_id
JOIN tally_rules r ON r.kind = 'bottom_escalation' AND p.measure = r.escalation
WHERE p.status = 'pending' AND {scope[p.cadre_id]} AND """ + _YEAR.format(col="t.year"),
    # The temporary table has no statistics until analysed: without them the planner joins it
    # by nested loops (seconds at city scale instead of milliseconds).
    "ANALYZE tally_entries",
    # 6. A sanction's effect period blocks the positive rule outcomes of the years it touches
    # (all staged: their cadres are in tally_blocking); the block rule's own entry names the
    # sanction.
    """
UPDATE tally_entries SET flag = 'blocked'
WHERE kind = 'rule' AND points > 0 AND flag IS NULL AND EXISTS (
  SELECT 1 FROM ({periods}) p WHERE p.cadre_id = tally_entries.cadre_id
    AND tally_entries.year >= p.y0 AND (p.y1 IS NULL OR tally_entries.year <= p.y1));
INSERT INTO tally_entries
SELECT DISTINCT p.cadre_id, b.year, 'rule', p.code, p.label, 0, 'sanction:' || p.id,
       CAST(NULL AS text), p.rule_id, CAST(NULL AS integer), 6,
       CAST(NULL AS bigint), CAST(NULL AS bigint)
FROM ({periods}) p JOIN tally_entries b ON b.cadre_id = p.cadre_id AND b.flag = 'blocked'
 AND b.year >= p.y0 AND (p.y1 IS NULL OR b.year <= p.y1)
""",
]

# The decisions on the rules that need one, read by rule code (any version decided counts). A
# pending proposal the tally no longer derives (its grade was changed on review) is withdrawn:
# nobody can confirm a 降级 or a 辞退 that rests on nothing. A decided one stays as it is.
_PROPOSALS = """
UPDATE tally_entries AS e SET flag = CASE p.state WHEN 'confirmed' THEN 'confirmed'
                                                  WHEN 'dismissed' THEN 'dismissed' END
FROM {proposal} p JOIN {rule} pr ON pr.id = p.rule_id
WHERE e.flag = 'pending' AND e.source LIKE 'annual-assessment:%%' AND pr.code = e.code
  AND p.cadre_id = e.cadre_id AND p.year = e.year AND p.state <> 'pending';
DELETE FROM tally_entries WHERE flag = 'confirmed';
DELETE FROM {proposal}
WHERE state = 'pending' AND {scope[cadre_id]} AND """ + _YEAR.format(col="year") + """
  AND NOT EXISTS (
    SELECT 1 FROM tally_entries e JOIN {rule} pr ON pr.code = e.code
    WHERE pr.id = {proposal}.rule_id AND e.flag = 'pending'
      AND e.source LIKE 'annual-assessment:%%'
      AND e.cadre_id = {proposal}.cadre_id AND e.year = {proposal}.year);
INSERT INTO {proposal} (rule_id, cadre_id, year, state, reason, created_at)
SELECT DISTINCT e.rule_id, e.cadre_id, e.year, 'pending', '', %(now)s
FROM tally_entries e
WHERE e.flag = 'pending' AND e.source LIKE 'annual-assessment:%%' AND NOT EXISTS (
  SELECT 1 FROM {proposal} p JOIN {rule} pr ON pr.id = p.rule_id
  WHERE pr.code = e.code AND p.cadre_id = e.cadre_id AND p.year = e.year)
ON CONFLICT DO NOTHING;
"""

# A rule outcome that needs a decision names its proposal (pending or dismissed) for the pages.
# Then a row per cadre and year with its figures and the digest of its entries (the dialect's
# "digest": on PostgreSQL a hash of each entry, no text built and no sort), read from every
# entry of the scope ({digest_source}: the staged ones and, straight from the sources, the
# rest). The cadre's unit is joined after the grouping, to fewer rows.
_AGGREGATE = """
UPDATE tally_entries SET proposal_id = p.id
FROM (SELECT pr.code, p.cadre_id, p.year, min(p.id) AS id
      FROM {proposal} p JOIN {rule} pr ON pr.id = p.rule_id
      WHERE {scope[p.cadre_id]} AND """ + _YEAR.format(col="p.year") + """
      GROUP BY pr.code, p.cadre_id, p.year) p
WHERE tally_entries.flag IN ('pending', 'dismissed')
  AND tally_entries.source LIKE 'annual-assessment:%%' AND p.code = tally_entries.code
  AND p.cadre_id = tally_entries.cadre_id AND p.year = tally_entries.year;
DROP TABLE IF EXISTS {temp}.tally_rows;
DROP TABLE IF EXISTS {temp}.tally_changed;
CREATE TEMP TABLE tally_rows AS
SELECT r.cadre_id, r.year, c.unit_id, u.path AS unit_path, r.positive, r.negative, r.digest,
       r.entry_count
FROM (
  SELECT e.cadre_id, e.year, count(*) AS entry_count,
         CAST(coalesce(sum(e.points) FILTER (WHERE e.flag IS NULL AND e.points > 0), 0)
              AS integer) AS positive,
         CAST(coalesce(-sum(e.points) FILTER (WHERE e.flag IS NULL AND e.points < 0), 0)
              AS integer) AS negative,
         {digest} AS digest
  FROM {digest_source} e
  GROUP BY e.cadre_id, e.year
) r JOIN {cadre} c ON c.id = r.cadre_id JOIN {unit} u ON u.id = c.unit_id;
"""

# One FULL JOIN of the rows and the scope's ledger rows finds the rows no longer derived
# (deleted) and the rows that changed (by their figures, unit, path, rules version and the
# digest of their entries; SQLite 3.39 or later for the join), and only for these are
# the entries built as text, read once more from the staged entries and the sources, now for
# the changed rows' cadres only ({entries_changed}; nothing in a steady state), in one
# GroupAggregate over an ordered subquery: its entries' order (ord, code, source) is the order
# the aggregate reads them in (both dialects; an ORDER BY inside the aggregate sorts every
# group again on PostgreSQL 15, and SQLite before 3.44 has none). Only the changed rows are
# written, in key order: the upsert neither compares nor locks the others. (WHERE 1 = 1:
# SQLite reads ON CONFLICT after a bare FROM as a join's ON.)
_CHANGED = """
CREATE TEMP TABLE tally_changed AS
SELECT n.*, l.id AS ledger_id
FROM tally_rows n FULL JOIN (
  SELECT * FROM {ledger} WHERE {scope[cadre_id]} AND """ + _YEAR.format(col="year") + """
) l ON l.cadre_id = n.cadre_id AND l.year = n.year
WHERE n.cadre_id IS NULL OR l.id IS NULL
   OR (l.unit_id, l.unit_path, l.positive, l.negative, l.entries_digest, l.rules_version)
      {distinct} (n.unit_id, n.unit_path, n.positive, n.negative, n.digest,
                  %(rules_version)s);
DELETE FROM {ledger} WHERE id IN (SELECT ledger_id FROM tally_changed WHERE cadre_id IS NULL);
ANALYZE tally_changed;
"""

_WRITE = """
INSERT INTO {ledger} AS l (cadre_id, year, unit_id, unit_path, positive, negative, net, entries,
                           entries_digest, rules_version, tallied_at)
SELECT n.cadre_id, n.year, n.unit_id, n.unit_path, n.positive, n.negative,
       n.positive - n.negative, {as_json[t.entries]}, n.digest, %(rules_version)s, %(now)s
FROM tally_changed n JOIN (
  SELECT e.cadre_id, e.year, {entries} AS entries
  FROM (SELECT e.* FROM ({entries_changed}) e
        JOIN tally_changed n ON n.cadre_id = e.cadre_id AND n.year = e.year
        ORDER BY e.cadre_id, e.year, e.ord, e.code, e.source) e
  GROUP BY e.cadre_id, e.year
) t ON t.cadre_id = n.cadre_id AND t.year = n.year
WHERE 1 = 1 ORDER BY n.cadre_id, n.year
ON CONFLICT (cadre_id, year) DO UPDATE
SET unit_id = EXCLUDED.unit_id, unit_path = EXCLUDED.unit_path, positive = EXCLUDED.positive,
    negative = EXCLUDED.negative, net = EXCLUDED.net, entries = EXCLUDED.entries,
    entries_digest = EXCLUDED.entries_digest, rules_version = EXCLUDED.rules_version,
    tallied_at = EXCLUDED.tallied_at;
"""

# The checksum of the scope's rows as the swap left them: read from the tallied rows (the same
# values), in one pass (the dialect's "checksum" of the rows' lines).
_CHECKSUM = """
SELECT count(*), coalesce(sum(positive), 0), coalesce(sum(negative), 0), {checksum},
       coalesce(sum(entry_count), 0)
FROM {lines_from} l"""

_DROP = """
DROP TABLE IF EXISTS {temp}.tally_rules;
DROP TABLE IF EXISTS {temp}.tally_rule_kinds;
DROP TABLE IF EXISTS {temp}.tally_entries;
DROP TABLE IF EXISTS {temp}.tally_blocking;
DROP TABLE IF EXISTS {temp}.tally_rows;
DROP TABLE IF EXISTS {temp}.tally_changed;
"""


def _sql(sql: str, fragments: dict) -> list[str]:
    """The statements of sql. PostgreSQL (psycopg2) takes them in one round trip (its rowcount
    is the last one's); SQLite one at a time."""
    statements = [s for s in sql.format(**fragments).split(";\n") if s.strip()]
    if connection.vendor == "postgresql":
        return [";\n".join(statements)] if statements else []
    return statements


def _fragments_and_params(cadre_ids, year) -> tuple[dict, dict]:
    """The statements' fragments (tables, the dialect's, the CASEs of the constants) and the
    parameters of the scope."""
    from cadres.models import PostLevel
    from discipline.models import Sanction
    from fault_tolerance.models import Case

    tables = _tables()
    fragments = {**tables, **{k: v.format(**tables) if isinstance(v, str) else v
                              for k, v in _dialect().items()}}
    levels = list(PostLevel.values)
    level_rank, level_params = _case("c.post_level", "level",
                                     {level: i for i, level in enumerate(levels)},
                                     default=len(levels))
    months, months_params = _case("s.kind", "effect",
                                  {str(k): v for k, v in Sanction.EFFECT_MONTHS.items()})
    protecting = sorted(str(s) for s in Case.PROTECTING_STATES)
    fragments.update(level_rank=level_rank, effect_months=months,
                     protecting=", ".join(f"%(protecting{i})s" for i in range(len(protecting))))
    if cadre_ids is None:
        # Every cadre: the scope is written out as TRUE rather than "NULL or …", so the planner
        # sees each statement's real shape (a subquery under an OR is never made a join: one
        # cadre's team leaders were a scan of every cadre).
        fragments.update(scope=_Fragment("TRUE"), scope_units="TRUE")
    else:  # the units of the scope's cadres (their principal leaders are ranked)
        fragments["scope_units"] = (f"c.unit_id IN (SELECT s.unit_id FROM {tables['cadre']} s"
                                    f" WHERE {fragments['scope']['s.id']})")
    fragments["periods"] = _PERIODS.format(**fragments)
    ops = connection.ops
    params = {
        "cadres": _array(cadre_ids), "year": year,
        "year_start": None if year is None else ops.adapt_datefield_value(dt.date(year, 1, 1)),
        "year_end": None if year is None else ops.adapt_datefield_value(dt.date(year + 1, 1, 1)),
        "now": ops.adapt_datetimefield_value(timezone.now()),
        **level_params, **months_params,
        **{f"protecting{i}": state for i, state in enumerate(protecting)},
    }
    return fragments, params


_TRUE, _FALSE = _Fragment("TRUE"), _Fragment("FALSE")


def _with_parts(fragments: dict, *, stage_all: bool) -> dict:
    """The fragments with the staged and the direct part chosen: stage_all (the scope has no
    ledger rows yet, so every row will be written and its entries' text built) stages every
    entry, as reading the sources a second time for the text would cost more than staging
    them; otherwise only those that need a second look are."""
    fragments = {**fragments}
    if stage_all:
        fragments.update(staged_part=_TRUE, direct_part=_FALSE, staged_record_part="TRUE",
                         direct_record_part="FALSE")
    else:
        fragments.update(staged_part=_STAGED_PART, direct_part=_DIRECT_PART,
                         staged_record_part="FALSE", direct_record_part="TRUE")
    tables = _tables()
    fragments["entries_all"] = _ENTRIES.format(**fragments)
    fragments["digest_source"] = fragments["digest_from"].template.format(fragments["entries_all"])
    # The same entries for the changed rows' cadres only (tally_changed, analysed: none in a
    # steady state, so the sources are read by their cadre indexes, if at all).
    changed = "SELECT t.cadre_id FROM tally_changed t WHERE t.cadre_id IS NOT NULL"
    fragments["entries_changed"] = _ENTRIES.format(**{
        **fragments,
        "scope": _Fragment(f"({fragments['scope'].template}) AND {{0}} IN ({changed})"),
        "scope_units": (f"({fragments['scope_units']}) AND c.unit_id IN (SELECT s.unit_id"
                        f" FROM {tables['cadre']} s WHERE s.id IN ({changed}))"),
    })
    return fragments


def _tuned(cursor) -> None:
    """PostgreSQL, for the transaction: no JIT (compiling costs ~0.1 s a statement, more than
    it saves here), enough work_mem for the city's sorts and hashes to stay in memory, and a
    small statistics sample for the staged tables (what the planner needs of them is their
    size and the flags' few values: 3,000 rows, not 30,000)."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL jit = off; SET LOCAL work_mem = '64MB';"
                       " SET LOCAL default_statistics_target = 10")


def _run(cursor, sql: str, params: dict, fragments: dict) -> None:
    for statement in _sql(sql, fragments):
        cursor.execute(statement, params)


def _insert_rules(cursor, rules: list[dict]) -> None:
    """The current rules into tally_rules (and their sanction kinds into tally_rule_kinds): one
    multi-row INSERT each."""
    columns = ("id", "code", "kind", "label", "version", "needs_confirmation", "grade", "years",
               "escalation", "points")
    if rules:
        rows = ", ".join("(" + ", ".join(["%s"] * len(columns)) + ")" for _ in rules)
        cursor.execute(f"INSERT INTO tally_rules ({', '.join(columns)}) VALUES {rows}",
                       [r[c] for r in rules for c in columns])
    kinds = [(r["id"], str(kind)) for r in rules for kind in r["kinds"]]
    if kinds:
        cursor.execute("INSERT INTO tally_rule_kinds (rule_id, kind) VALUES "
                       + ", ".join(["(%s, %s)"] * len(kinds)), [v for k in kinds for v in k])


@contextlib.contextmanager
def _serialised(cursor, job):
    """Tallies one at a time, each staging from data committed after the previous one swapped.

    PostgreSQL: a session advisory lock (a killed worker's connection drops it), with the job's
    heartbeat while waiting; the steps are then short transactions of their own, and other
    writers go on meanwhile. SQLite: the whole tally is one transaction, and the database's
    transactions are IMMEDIATE (config.settings.base): its BEGIN takes the database's one write
    lock, so another tally (or any writer) waits for the commit (busy timeout), the staging and
    the swap read the same data, and readers (WAL) see the old ledger until the commit. The
    steps' atomic blocks are savepoints inside it; the job's progress shows at the end."""
    if connection.vendor == "sqlite":
        with transaction.atomic():
            yield
        return
    while True:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_TALLY_LOCK_KEY])
        if cursor.fetchone()[0]:
            break
        if job is not None:
            job.heartbeat()
        time.sleep(0.2)
    try:
        yield
    finally:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [_TALLY_LOCK_KEY])


# A full tally writing at least this many rows, and at least half of its rows, rebuilds the
# ledger's secondary indexes instead of updating them row by row (PostgreSQL).
BULK_MIN_ROWS = 20_000


@contextlib.contextmanager
def _bulk(cursor, full: bool):
    """Around the write of a full tally that rewrites most of the ledger (the first tally, a
    new rules version) on PostgreSQL: the ledger's secondary indexes (neither the primary key
    nor a constraint's, which the upsert needs) are dropped and built again from their own
    definitions, all in the swap's transaction. Building an index from the written table is a
    sort; maintaining it is one random insertion per row (at 436k rows, 2 s against 6 s). The
    DROP locks the ledger until the commit: its readers wait for the new ledger (they never
    see a mix) rather than read the old one meanwhile."""
    if not full or connection.vendor != "postgresql":
        yield
        return
    from ..models import LedgerRow

    cursor.execute("SELECT count(*), (SELECT count(*) FROM tally_rows) FROM tally_changed"
                   " WHERE cadre_id IS NOT NULL")
    changed, rows = cursor.fetchone()
    if changed < max(BULK_MIN_ROWS, rows / 2):
        yield
        return
    cursor.execute("""
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
        WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT EXISTS (
          SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY 1""", [LedgerRow._meta.db_table])
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    yield
    # The new rows' foreign keys are checked now rather than at the commit (an index cannot be
    # built over pending checks), then deferred again as Django declares them.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED;"
                   " SET LOCAL maintenance_work_mem = '128MB'")
    for _name, definition in indexes:
        cursor.execute(definition)


def tally(*, cadre_ids: list[int] | None = None, year: int | None = None, job=None,
          progress=None, actor=None) -> dict:
    """Tally the ledger of the scope (every cadre, or cadre_ids; every year, or year) and
    replace its rows in one transaction (see the module's docstring). job: the Job whose
    attempt fences the swap and on which the run is audited. Returns the counts and the
    checksum. PostgreSQL or SQLite."""
    progress = progress or (lambda fraction: None)
    rules, rules_version = _current_rules()
    if cadre_ids is not None:
        cadre_ids = [int(i) for i in cadre_ids]
    fragments, params = _fragments_and_params(cadre_ids, year)
    started = time.monotonic()
    with connection.cursor() as cursor, _serialised(cursor, job):
        # Each step in its own (short) transaction: a failure rolls back only that step,
        # and the progress between steps is seen at once.
        with transaction.atomic():
            _tuned(cursor)
            _run(cursor, _CREATE, params, fragments)
            _insert_rules(cursor, rules)
            [first_sql] = _sql(_FIRST, fragments)
            cursor.execute(first_sql, params)
            fragments = _with_parts(fragments, stage_all=cursor.fetchone()[0] == 0)
        for index, statement in enumerate(_STAGE):
            with transaction.atomic():
                _tuned(cursor)
                _run(cursor, statement, params, fragments)
            progress(0.1 + 0.6 * (index + 1) / len(_STAGE))
        with transaction.atomic():
            _tuned(cursor)
            if job is not None:
                # The attempt fence: a run taken over or cancelled writes nothing.
                job.fenced_update(heartbeat_at=timezone.now())
            _run(cursor, _PROPOSALS, params, fragments)
            proposals = cursor.rowcount
            _run(cursor, _AGGREGATE, params, fragments)
            params = {**params, "rules_version": rules_version}
            _run(cursor, _CHANGED, params, fragments)
            with _bulk(cursor, cadre_ids is None and year is None):
                _run(cursor, _WRITE, params, fragments)
                written = cursor.rowcount
            [checksum_sql] = _sql(_CHECKSUM, fragments)
            cursor.execute(checksum_sql, params)
            rows, positive, negative, checksum, entries = cursor.fetchone()
            result = {
                "rows": rows, "entries": int(entries), "written": written,
                "proposals_created": max(proposals, 0), "positive": int(positive),
                "negative": int(negative), "checksum": checksum,
                "rules_version": rules_version,
                "seconds": round(time.monotonic() - started, 3),
            }
            if job is not None:
                from core.audit import audit_run

                audit_run(obj=job, actor=actor, action="tally",
                          inputs={"cadre_ids": None if cadre_ids is None
                                  else len(cadre_ids), "year": year},
                          rules_version=rules_version,
                          counts={k: result[k] for k in ("rows", "entries", "written",
                                                        "proposals_created")},
                          checksum=checksum)
                # Done with the swap's commit: a cancel can no longer land between the two.
                job.complete(result)
        _run(cursor, _DROP, params, fragments)
    progress(1.0)
    return result
