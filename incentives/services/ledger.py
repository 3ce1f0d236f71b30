"""The tally (激励台账): set-based SQL, replacing a scope's ledger rows in one transaction, run
as a core job of kind TALLY_JOB (incentives.jobs).

How a tally runs (`tally`):
1. Tallies are serialised by a session advisory lock (a killed worker's connection drops it),
   so a tally always stages from data committed after the previous one swapped its rows.
2. Staging: every entry of the scope goes into a temporary table, one INSERT … SELECT per kind
   of source, each a set-based statement (window functions for streaks; the protected matters
   joined set-wise): the rules of the current version (grade in a year, streaks, team grades
   for the principal leaders, the pending 末位 measures) and the incentive records. A sanction
   period then blocks the positive rule outcomes of the years it touches. Progress is written
   between statements (the job page's bar and its heartbeat).
3. The swap, in ONE transaction: the job's attempt fence is checked (a run taken over writes
   nothing), the rules that need a decision get their pending RuleProposal rows, rows of the
   scope no longer derived are deleted and the rest upserted (a row is written only when it
   changed, so the same inputs leave the same ledger, tallied_at included), and one audit_run
   entry records the inputs, the rules version, the counts and the ledger's checksum. Readers
   (READ COMMITTED) see the old ledger or the new one, never a mix.

What counts (the entries, API.md "Ledger entries"):
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

import hashlib
import json
import time

from django.db import connection, transaction
from django.utils import timezone

TALLY_JOB = "incentives.tally"
# Any fixed 64-bit number: the session lock that serialises tallies.
_TALLY_LOCK_KEY = 0x1EDCE7A11


def recompute_start(*, actor, cadre_ids: list[int] | None = None, year: int | None = None):
    """Start a tally (all cadres, or those given; every year, or the one given) as a job and
    return it (202 in the API; its page shows the progress). A tally of the same scope already
    queued or running is returned instead. actor None: the system (beat, the receivers)."""
    from core.jobs import job_start
    from core.models import Job, Role
    from core.services import require_role

    if actor is not None:
        require_role(actor, Role.STAFF, Role.ADMIN)
    if cadre_ids is not None:
        cadre_ids = sorted({int(i) for i in cadre_ids})
    scope = "all" if cadre_ids is None else ",".join(str(i) for i in cadre_ids)
    if len(scope) > 120:
        scope = "h" + hashlib.sha256(scope.encode()).hexdigest()[:32]
    key = f"{TALLY_JOB}:{scope}:{year or 'all'}"
    # A running tally of the scope may have staged before the change that asks again: coalesce
    # with a queued one only, never with one already running.
    if Job.objects.filter(dedupe_key=key, state=Job.State.RUNNING).exists():
        key += ":next"
    return job_start(kind=TALLY_JOB, actor=actor,
                     params={"cadre_ids": cadre_ids, "year": year}, dedupe_key=key)


# The rules, as the tally reads them ------------------------------------------------------------


def _current_rules() -> tuple[list[dict], str]:
    """The current rules as rows for the SQL (jsonb_to_recordset), and the rules version: a
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
        "ledger": LedgerRow._meta.db_table,
    }


# The staging statements: each fills tally_entries for the scope (%(cadres)s: the cadre ids or
# NULL for all; %(year)s: a year or NULL). `flag`: NULL (counts), pending, dismissed, blocked,
# exempted. `rule_code` keeps the rule for the proposals; `ord` orders a row's entries.
_CREATE = """
DROP TABLE IF EXISTS pg_temp.tally_rules, pg_temp.tally_entries;
CREATE TEMP TABLE tally_rules AS
  SELECT * FROM jsonb_to_recordset(%(rules)s::jsonb) AS r(
    id bigint, code text, kind text, label text, version int, needs_confirmation boolean,
    grade text, years int, escalation text, kinds text[], points int);
CREATE TEMP TABLE tally_entries (
  cadre_id bigint NOT NULL, year int NOT NULL, kind text NOT NULL, code text NOT NULL,
  label text NOT NULL, points int NOT NULL, source text NOT NULL, flag text, rule_id bigint,
  from_year int, ord int NOT NULL);
"""

_SCOPE = "(%(cadres)s::bigint[] IS NULL OR {col} = ANY(%(cadres)s::bigint[]))"
_YEAR = "(%(year)s::int IS NULL OR {col} = %(year)s::int)"

_STAGE = [
    # 1. A grade in a year (优秀 → 嘉奖, 基本称职 → 诫勉谈话, 不称职 → 降级 proposal).
    """
INSERT INTO tally_entries
SELECT a.cadre_id, a.year, 'rule', r.code, r.label, r.points, 'annual-assessment:' || a.id,
       CASE WHEN r.needs_confirmation THEN 'pending' END, r.id, NULL::int, 1
FROM {annual} a JOIN tally_rules r ON r.kind = 'grade_in_year' AND a.grade = r.grade
WHERE """ + _SCOPE.format(col="a.cadre_id") + " AND " + _YEAR.format(col="a.year"),
    # 2. Streaks: calendar years in a row at a grade. Only the years at the grade take part,
    # so a missing year or a year at another grade (不定等次 included) breaks the run: its
    # years minus their row numbers differ. The rule fires at every N-th year of a run.
    """
INSERT INTO tally_entries
SELECT s.cadre_id, s.year, 'rule', s.code, s.label, s.points, 'annual-assessment:' || s.id,
       CASE WHEN s.needs_confirmation THEN 'pending' END, s.rule_id, s.year - s.years + 1, 2
FROM (
  SELECT g.*, row_number() OVER (PARTITION BY g.rule_id, g.cadre_id, g.run
                                 ORDER BY g.year) AS len
  FROM (
    SELECT a.id, a.cadre_id, a.year, r.id AS rule_id, r.code, r.label, r.points, r.years,
           r.needs_confirmation,
           a.year - row_number() OVER (PARTITION BY r.id, a.cadre_id ORDER BY a.year) AS run
    FROM {annual} a JOIN tally_rules r ON r.kind = 'streak' AND a.grade = r.grade
    WHERE """ + _SCOPE.format(col="a.cadre_id") + """
  ) g
) s
WHERE s.len %% s.years = 0 AND """ + _YEAR.format(col="s.year"),
    # 3. A team grade: the measure for the unit's principal leaders (its active cadres at the
    # highest post level held in it, as assessments.selectors.team.principal_leaders).
    """
INSERT INTO tally_entries
SELECT l.id, t.year, 'rule', r.code, r.label, r.points, 'team-assessment:' || t.id,
       CASE WHEN r.needs_confirmation THEN 'pending' END, r.id, NULL::int, 3
FROM {team} t
JOIN tally_rules r ON r.kind = 'team_grade' AND t.grade = r.grade
JOIN (
  SELECT c.id, c.unit_id,
         rank() OVER (PARTITION BY c.unit_id
                      ORDER BY array_position(%(levels)s::text[], c.post_level::text)) AS rk
  FROM {cadre} c WHERE c.status = 'active' AND (%(cadres)s::bigint[] IS NULL OR c.unit_id IN (
    SELECT s.unit_id FROM {cadre} s WHERE s.id = ANY(%(cadres)s::bigint[])))
) l ON l.unit_id = t.unit_id AND l.rk = 1
WHERE """ + _SCOPE.format(col="l.id") + " AND " + _YEAR.format(col="t.year"),
    # 4. 末位倒逼: a measure assessments proposes and staff have not decided yet shows pending
    # (a confirmed one arrives as an incentive record, source assessment).
    """
INSERT INTO tally_entries
SELECT p.cadre_id, t.year, 'rule', r.code, r.label, 0, 'team-measure-proposal:' || p.id,
       'pending', r.id, NULL::int, 4
FROM {team_proposal} p JOIN {team} t ON t.id = p.assessment_id
JOIN tally_rules r ON r.kind = 'bottom_escalation' AND p.measure = r.escalation
WHERE p.status = 'pending' AND """ + _SCOPE.format(col="p.cadre_id") + " AND "
    + _YEAR.format(col="t.year"),
    # 5. Records of a cadre; a negative one resting on a case that protects the cadre counts
    # nothing (joined set-wise on the case's subjects).
    """
INSERT INTO tally_entries
SELECT rec.cadre_id, extract(year FROM rec.date)::int, 'record', m.code,
       m.name || '：' || rec.reason,
       CASE WHEN m.direction = 'positive' THEN m.points ELSE -m.points END,
       'record:' || rec.id,
       CASE WHEN m.direction = 'negative' AND EXISTS (
              SELECT 1 FROM {case} c JOIN {case_subjects} cs ON cs.case_id = c.id
              WHERE c.id = rec.case_id AND cs.cadre_id = rec.cadre_id
                AND c.outcome = 'exempted' AND c.state = ANY(%(protecting)s::text[]))
            THEN 'exempted' END,
       NULL::bigint, NULL::int, 5
FROM {record} rec JOIN {measure} m ON m.id = rec.measure_id
WHERE rec.cadre_id IS NOT NULL AND """ + _SCOPE.format(col="rec.cadre_id") + " AND "
    + "(%(year)s::int IS NULL OR rec.date >= make_date(%(year)s::int, 1, 1) "
    + "AND rec.date < make_date(%(year)s::int + 1, 1, 1))",
    # The temporary table has no statistics until analysed: without them the planner joins it
    # by nested loops (seconds at city scale instead of milliseconds).
    "ANALYZE tally_entries",
    # 6. A sanction's effect period blocks the positive rule outcomes of the years it touches;
    # the block rule's own entry names the sanction.
    """
WITH periods AS (
  SELECT s.id, s.cadre_id, r.id AS rule_id, r.code, r.label,
         extract(year FROM s.decided_on)::int AS y0,
         extract(year FROM (s.decided_on + make_interval(
             months => (%(effect_months)s::jsonb ->> s.kind)::int))::date - 1)::int AS y1
  FROM {sanction} s JOIN tally_rules r ON r.kind = 'sanction_block' AND s.kind = ANY(r.kinds)
  WHERE """ + _SCOPE.format(col="s.cadre_id") + """
), blocked AS (
  UPDATE tally_entries e SET flag = 'blocked'
  FROM periods p
  WHERE e.cadre_id = p.cadre_id AND e.kind = 'rule' AND e.points > 0 AND e.flag IS NULL
    AND e.year >= p.y0 AND (p.y1 IS NULL OR e.year <= p.y1)
  RETURNING e.cadre_id, e.year
)
INSERT INTO tally_entries
SELECT DISTINCT p.cadre_id, b.year, 'rule', p.code, p.label, 0, 'sanction:' || p.id, NULL::text,
       p.rule_id, NULL::int, 6
FROM periods p JOIN blocked b ON b.cadre_id = p.cadre_id AND b.year >= p.y0
 AND (p.y1 IS NULL OR b.year <= p.y1)
""",
]

# The decisions on the rules that need one, read by rule code (any version decided counts).
_PROPOSALS = """
UPDATE tally_entries e SET flag = CASE p.state WHEN 'confirmed' THEN 'confirmed'
                                               WHEN 'dismissed' THEN 'dismissed' END
FROM {proposal} p JOIN {rule} pr ON pr.id = p.rule_id
WHERE e.flag = 'pending' AND e.source LIKE 'annual-assessment:%%' AND pr.code = e.code
  AND p.cadre_id = e.cadre_id AND p.year = e.year AND p.state <> 'pending';
DELETE FROM tally_entries WHERE flag = 'confirmed';
INSERT INTO {proposal} (rule_id, cadre_id, year, state, reason, created_at)
SELECT DISTINCT e.rule_id, e.cadre_id, e.year, 'pending', '', now()
FROM tally_entries e
WHERE e.flag = 'pending' AND e.source LIKE 'annual-assessment:%%' AND NOT EXISTS (
  SELECT 1 FROM {proposal} p JOIN {rule} pr ON pr.id = p.rule_id
  WHERE pr.code = e.code AND p.cadre_id = e.cadre_id AND p.year = e.year)
ON CONFLICT DO NOTHING;
"""

_AGGREGATE = """
DROP TABLE IF EXISTS pg_temp.tally_rows;
CREATE TEMP TABLE tally_rows AS
SELECT e.cadre_id, e.year, c.unit_id,
       coalesce(sum(e.points) FILTER (WHERE e.flag IS NULL AND e.points > 0), 0)::int AS positive,
       coalesce(-sum(e.points) FILTER (WHERE e.flag IS NULL AND e.points < 0), 0)::int AS negative,
       jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
           'kind', e.kind, 'code', e.code, 'label', e.label,
           'points', CASE WHEN e.flag IS NULL THEN e.points ELSE 0 END,
           'source', e.source, 'from_year', e.from_year,
           'pending', CASE WHEN e.flag = 'pending' THEN true END,
           'dismissed', CASE WHEN e.flag = 'dismissed' THEN true END,
           'blocked', CASE WHEN e.flag = 'blocked' THEN true END,
           'exempted', CASE WHEN e.flag = 'exempted' THEN true END))
         ORDER BY e.ord, e.code, e.source) AS entries
FROM tally_entries e JOIN {cadre} c ON c.id = e.cadre_id
GROUP BY e.cadre_id, e.year, c.unit_id;
"""

_SWAP = """
DELETE FROM {ledger} l
WHERE """ + _SCOPE.format(col="l.cadre_id") + " AND " + _YEAR.format(col="l.year") + """
  AND NOT EXISTS (SELECT 1 FROM tally_rows n WHERE n.cadre_id = l.cadre_id AND n.year = l.year);
INSERT INTO {ledger} AS l (cadre_id, year, unit_id, positive, negative, net, entries,
                           rules_version, tallied_at)
SELECT n.cadre_id, n.year, n.unit_id, n.positive, n.negative, n.positive - n.negative, n.entries,
       %(rules_version)s, %(now)s
FROM tally_rows n
ON CONFLICT (cadre_id, year) DO UPDATE
SET unit_id = EXCLUDED.unit_id, positive = EXCLUDED.positive, negative = EXCLUDED.negative,
    net = EXCLUDED.net, entries = EXCLUDED.entries, rules_version = EXCLUDED.rules_version,
    tallied_at = EXCLUDED.tallied_at
WHERE (l.unit_id, l.positive, l.negative, l.entries, l.rules_version)
      IS DISTINCT FROM (EXCLUDED.unit_id, EXCLUDED.positive, EXCLUDED.negative,
                        EXCLUDED.entries, EXCLUDED.rules_version);
"""

_CHECKSUM = """
SELECT count(*), coalesce(sum(positive), 0), coalesce(sum(negative), 0),
       md5(coalesce(string_agg(cadre_id || ':' || year || ':' || positive || ':' || negative
                               || ':' || entries::text, '|' ORDER BY cadre_id, year), ''))
FROM {ledger} l
WHERE """ + _SCOPE.format(col="l.cadre_id") + " AND " + _YEAR.format(col="l.year")


def _params(cadre_ids, year, rules) -> dict:
    from cadres.models import PostLevel
    from discipline.models import Sanction
    from fault_tolerance.models import Case

    return {
        "cadres": None if cadre_ids is None else list(cadre_ids), "year": year,
        "rules": json.dumps(rules), "levels": list(PostLevel.values),
        "protecting": sorted(str(s) for s in Case.PROTECTING_STATES),
        "effect_months": json.dumps({str(k): v for k, v in Sanction.EFFECT_MONTHS.items()}),
    }


def _run(cursor, sql: str, params: dict, tables: dict) -> None:
    for statement in sql.format(**tables).split(";\n"):
        if statement.strip():
            cursor.execute(statement, params)


def tally(*, cadre_ids: list[int] | None = None, year: int | None = None, job=None,
          progress=None, actor=None) -> dict:
    """Tally the ledger of the scope (every cadre, or cadre_ids; every year, or year) and
    replace its rows in one transaction (see the module's docstring). job: the Job whose
    attempt fences the swap and on which the run is audited. Returns the counts and the
    checksum. PostgreSQL only."""
    progress = progress or (lambda fraction: None)
    rules, rules_version = _current_rules()
    tables = _tables()
    params = _params(cadre_ids, year, rules)
    started = time.monotonic()
    with connection.cursor() as cursor:
        # Serialise tallies: wait for another one's swap, with a heartbeat while waiting.
        while True:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_TALLY_LOCK_KEY])
            if cursor.fetchone()[0]:
                break
            if job is not None:
                job.heartbeat()
            time.sleep(0.2)
        try:
            # Each step in its own (short) transaction: a failure rolls back only that step,
            # and the progress between steps is seen at once.
            with transaction.atomic():
                _run(cursor, _CREATE, params, tables)
            for index, statement in enumerate(_STAGE):
                with transaction.atomic():
                    cursor.execute(statement.format(**tables), params)
                progress(0.1 + 0.6 * (index + 1) / len(_STAGE))
            with transaction.atomic():
                if job is not None:
                    # The attempt fence: a run taken over or cancelled writes nothing.
                    job.fenced_update(heartbeat_at=timezone.now())
                _run(cursor, _PROPOSALS, params, tables)
                proposals = cursor.rowcount
                _run(cursor, _AGGREGATE, params, tables)
                cursor.execute("SELECT count(*) FROM tally_entries")
                entries = cursor.fetchone()[0]
                params = {**params, "rules_version": rules_version, "now": timezone.now()}
                _run(cursor, _SWAP, params, tables)
                written = cursor.rowcount
                cursor.execute(_CHECKSUM.format(**tables), params)
                rows, positive, negative, checksum = cursor.fetchone()
                result = {
                    "rows": rows, "entries": entries, "written": written,
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
            cursor.execute("DROP TABLE IF EXISTS pg_temp.tally_rules, pg_temp.tally_entries, "
                           "pg_temp.tally_rows")
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_TALLY_LOCK_KEY])
    progress(1.0)
    return result
