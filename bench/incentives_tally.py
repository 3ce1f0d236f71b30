"""The incentives ledger at city scale: the full tally against one hand-written SQL statement
computing the same totals, an incremental recompute of one cadre, the process's peak memory,
and the ledger API for a unit's subtree and year.

    python bench/incentives_tally.py [--units 2000 --cadres 100000 --records 300000 --force]
                                     [--rounds 5] [--tally-rounds-only]

Data: bench/generate.py's city (units, cadres), then, in SQL, 10 years of annual grades per
cadre (2015-2024), team grades per unit and year, incentive records and a few sanctions, all
from a fixed seed. A bench database of its own (default dandang_bench_ledger)."""

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ensure_database, print_table, setup_django  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dandang_bench_ledger"
YEARS = (2015, 2024)


def _tables():
    from incentives.services.ledger import _tables

    return _tables()


def load_sources(records: int, log=print) -> None:
    """Annual grades (every cadre, every year; some years missing), team grades, records and
    sanctions, set-based and deterministic (setseed)."""
    from django.db import connection, transaction

    from core.models import User
    from incentives.models import Measure

    import importlib

    from django.apps import apps

    # generate.load's wipe cascades through the users to the rules: seed them again (the rules
    # migration's own function, idempotent).
    # (found by name: the lead renumbers migrations at merge)
    rules_migration = next(Path(__file__).resolve().parent.parent
                           .glob("incentives/migrations/0*_rules.py")).stem
    importlib.import_module(f"incentives.migrations.{rules_migration}").seed(apps, None)
    t = _tables()
    user_id = User.objects.order_by("id").values_list("id", flat=True).first()
    measure_ids = list(Measure.objects.order_by("id").values_list("id", flat=True))
    from core.models import Unit

    unit_table = Unit._meta.db_table
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT setseed(0.42)")
        for table in ("ledger", "proposal", "record", "team_proposal", "team", "annual",
                      "sanction"):
            cur.execute(f"DELETE FROM {t[table]}")
        started = time.perf_counter()
        cur.execute(f"""
            INSERT INTO {t['annual']} (cadre_id, unit_id, year, grade, comment, created_by_id,
                                       created_at, updated_at)
            SELECT c.id, c.unit_id, y,
                   CASE WHEN r < 0.15 THEN 'excellent' WHEN r < 0.90 THEN 'competent'
                        WHEN r < 0.95 THEN 'basically_competent' WHEN r < 0.97 THEN 'incompetent'
                        ELSE 'not_graded' END,
                   '', %s, now(), now()
            FROM {t['cadre']} c CROSS JOIN generate_series(%s, %s) y
            CROSS JOIN LATERAL (SELECT random() + 0 * c.id + 0 * y AS r) g""",
                    [user_id, *YEARS])
        log(f"annual grades: {cur.rowcount} rows in {time.perf_counter() - started:.1f} s")
        cur.execute(f"""
            INSERT INTO {t['team']} (unit_id, year, grade, category, jurisdiction_id,
                                     bottom_streak, escalation, created_by_id, created_at,
                                     updated_at)
            SELECT u.id, y, (ARRAY['good', 'fairly_good', 'average', 'poor'])[1 + floor(random() * 4)::int],
                   coalesce(u.category, ''), u.parent_id, 0, '', %s, now(), now()
            FROM {unit_table} u CROSS JOIN generate_series(%s, %s) y""", [user_id, *YEARS])
        log(f"team grades: {cur.rowcount} rows")
        cur.execute(f"""
            INSERT INTO {t['record']} (cadre_id, measure_id, date, reason, source,
                                       document_number, created_by_id, created_at)
            SELECT (SELECT min(id) FROM {t['cadre']}) + floor(random() * n.c)::int,
                   (%s::bigint[])[1 + floor(random() * %s)::int],
                   make_date(%s + floor(random() * 10)::int, 1, 1) + floor(random() * 360)::int,
                   '基准测试', 'hand', '', %s, now()
            FROM generate_series(1, %s) i,
                 (SELECT count(*) AS c FROM {t['cadre']}) n""",
                    [measure_ids, len(measure_ids), YEARS[0], user_id, records])
        log(f"records: {cur.rowcount} rows")
        cur.execute(f"""
            INSERT INTO {t['sanction']} (cadre_id, kind, decided_on, document_number, reason,
                                         created_by_id, created_at)
            SELECT c.id, (ARRAY['warning', 'demerit', 'major_demerit'])[1 + floor(random() * 3)::int],
                   make_date(%s + floor(random() * 10)::int, 3, 1), '', '', %s, now()
            FROM {t['cadre']} c WHERE random() < 0.01""", [YEARS[0], user_id])
        log(f"sanctions: {cur.rowcount} rows")
    with connection.cursor() as cur:
        for table in ("annual", "team", "record", "sanction", "cadre"):
            cur.execute(f"VACUUM ANALYZE {t[table]}")


# One statement computing the same totals (positive, negative per cadre and year), no entries:
# the floor the tally is measured against.
FLOOR = """
CREATE TEMP TABLE floor_totals AS
WITH rules AS (
  SELECT r.id, r.code, r.kind, r.params, r.needs_confirmation,
         CASE WHEN m.direction = 'positive' THEN m.points ELSE -m.points END AS pts
  FROM {rule} r LEFT JOIN {measure} m ON m.id = r.measure_id WHERE r.is_current
), grade_pts AS (
  SELECT a.cadre_id, a.year, r.pts FROM {annual} a
  JOIN rules r ON r.kind = 'grade_in_year' AND a.grade = r.params ->> 'grade'
  WHERE NOT r.needs_confirmation
), streak_pts AS (
  SELECT cadre_id, year, pts FROM (
    SELECT g.*, row_number() OVER (PARTITION BY g.id, g.cadre_id, g.run ORDER BY g.year) AS len
    FROM (SELECT a.cadre_id, a.year, r.id, r.pts, (r.params ->> 'years')::int AS n,
                 r.needs_confirmation,
                 a.year - row_number() OVER (PARTITION BY r.id, a.cadre_id ORDER BY a.year) AS run
          FROM {annual} a JOIN rules r ON r.kind = 'streak' AND a.grade = r.params ->> 'grade') g
  ) s WHERE len %% n = 0 AND NOT needs_confirmation
), team_pts AS (
  SELECT l.id AS cadre_id, t.year, r.pts FROM {team} t
  JOIN rules r ON r.kind = 'team_grade' AND t.grade = r.params ->> 'grade'
  JOIN (SELECT c.id, c.unit_id, rank() OVER (PARTITION BY c.unit_id
          ORDER BY array_position(%(levels)s::text[], c.post_level::text)) rk
        FROM {cadre} c WHERE c.status = 'active') l ON l.unit_id = t.unit_id AND l.rk = 1
), rule_pts AS (
  SELECT * FROM grade_pts UNION ALL SELECT * FROM streak_pts UNION ALL SELECT * FROM team_pts
), blocked_rule_pts AS (
  SELECT p.cadre_id, p.year,
         CASE WHEN p.pts > 0 AND EXISTS (
           SELECT 1 FROM {sanction} s JOIN rules b ON b.kind = 'sanction_block'
             AND s.kind IN (SELECT jsonb_array_elements_text(b.params -> 'kinds'))
           WHERE s.cadre_id = p.cadre_id AND extract(year FROM s.decided_on) <= p.year
             AND extract(year FROM (s.decided_on + make_interval(
                   months => (%(effect_months)s::jsonb ->> s.kind)::int))::date - 1) >= p.year)
         THEN 0 ELSE p.pts END AS pts
  FROM rule_pts p
), record_pts AS (
  SELECT rec.cadre_id, extract(year FROM rec.date)::int AS year,
         CASE WHEN m.direction = 'positive' THEN m.points ELSE -m.points END AS pts
  FROM {record} rec JOIN {measure} m ON m.id = rec.measure_id
  WHERE rec.cadre_id IS NOT NULL AND NOT (m.direction = 'negative' AND EXISTS (
    SELECT 1 FROM {case} c JOIN {case_subjects} cs ON cs.case_id = c.id
    WHERE c.id = rec.case_id AND cs.cadre_id = rec.cadre_id AND c.outcome = 'exempted'
      AND c.state = ANY(%(protecting)s::text[])))
)
SELECT cadre_id, year, sum(pts) FILTER (WHERE pts > 0) AS positive,
       -sum(pts) FILTER (WHERE pts < 0) AS negative
FROM (SELECT * FROM blocked_rule_pts UNION ALL SELECT * FROM record_pts) x
GROUP BY cadre_id, year
"""


def backend_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend, when the server runs on
    this machine (/proc); None otherwise. On a machine shared with other work the wall-clock
    ratio moves with the load, the CPU one much less."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_note(cpu, floor_cpu) -> str:
    if cpu is None or not floor_cpu:
        return ""
    return f", backend CPU {cpu:.2f} s = {cpu / floor_cpu:.2f}× the floor's"


def floor_seconds() -> tuple[float, tuple]:
    from django.db import connection

    import json

    from cadres.models import PostLevel
    from discipline.models import Sanction
    from fault_tolerance.models import Case

    params = {
        "levels": list(PostLevel.values),
        "protecting": sorted(str(s) for s in Case.PROTECTING_STATES),
        "effect_months": json.dumps({str(k): v for k, v in Sanction.EFFECT_MONTHS.items()}),
    }
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS pg_temp.floor_totals")
        started = time.perf_counter()
        cur.execute(FLOOR.format(**_tables()), params)
        seconds = time.perf_counter() - started
        cur.execute("SELECT coalesce(sum(positive), 0), coalesce(sum(negative), 0) FROM floor_totals")
        totals = cur.fetchone()
        cur.execute("DROP TABLE floor_totals")
    return seconds, tuple(int(v) for v in totals)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_LEDGER_URL", DEFAULT_URL))
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--cadres", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=300_000)
    parser.add_argument("--force", action="store_true", help="regenerate the data")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=5,
                        help="interleaved rounds of the floor and the full tallies")
    parser.add_argument("--tally-rounds-only", action="store_true",
                        help="only the floor and the full tallies (no incremental, memory, API)")
    parser.add_argument("--tally-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    ensure_database(args.database_url)
    setup_django(args.database_url)
    if args.tally_only:
        from django.db import connection

        from incentives.services.ledger import tally

        with connection.cursor() as cur:  # a real change, so rows are written
            cur.execute("UPDATE incentives_ledgerrow SET negative = negative + 1 WHERE id % 10 = 0")
        tally()
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        return 0
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from bench import generate
    from cadres.models import Cadre
    from core.models import Unit, User
    from incentives.services.ledger import tally

    call_command("migrate", verbosity=0)
    if args.force or Cadre.objects.count() != args.cadres:
        generate.load(units=args.units, cadres=args.cadres, appointments=args.cadres,
                      force=True)
        load_sources(args.records)
    rows = []
    from incentives.models import LedgerRow

    def timed_cpu(fn):
        cpu = backend_cpu()
        started = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - started
        return result, seconds, None if cpu is None else backend_cpu() - cpu

    def vacuum():
        with connection.cursor() as cur:
            cur.execute(f"VACUUM ANALYZE {_tables()['ledger']}")

    # Interleaved rounds: each round measures its own floor, then the empty ledger (every row
    # written), the steady state (nothing changed) and the same after the job's VACUUM of the
    # ledger (incentives.jobs ends a full tally with it), each as a ratio to that round's
    # floor. The median over the rounds, with its range, is what counts: one round on a shared
    # machine swings too much to judge anything.
    cases = ("empty", "steady", "vacuumed")
    seconds = {k: [] for k in ("floor", *cases)}
    cpus = {k: [] for k in ("floor", *cases)}
    results = {}
    for index in range(args.rounds):
        (floor_s, floor_totals), s, c = timed_cpu(floor_seconds)
        seconds["floor"].append(floor_s)
        cpus["floor"].append(c)
        LedgerRow.objects.all().delete()
        results["empty"], s, c = timed_cpu(tally)
        seconds["empty"].append(s)
        cpus["empty"].append(c)
        results["steady"], s, c = timed_cpu(tally)
        seconds["steady"].append(s)
        cpus["steady"].append(c)
        vacuum()
        results["vacuumed"], s, c = timed_cpu(tally)
        seconds["vacuumed"].append(s)
        cpus["vacuumed"].append(c)
        print(f"round {index + 1}/{args.rounds}: floor {floor_s:.2f} s, "
              + ", ".join(f"{k} {seconds[k][-1] / floor_s:.2f}×"
                          + ("" if cpus[k][-1] is None or not cpus['floor'][-1]
                             else f" (CPU {cpus[k][-1] / cpus['floor'][-1]:.2f}×)")
                          for k in cases), flush=True)

    def spread(values, fmt):
        return (f"{fmt.format(statistics.median(values))} "
                f"({fmt.format(min(values))}–{fmt.format(max(values))})")

    def ratios(case):
        wall = [s / f for s, f in zip(seconds[case], seconds["floor"], strict=True)]
        note = f"{spread(wall, '{:.2f}×')} floor"
        if all(c is not None for c in cpus[case] + cpus["floor"]) and all(cpus["floor"]):
            cpu = [c / f for c, f in zip(cpus[case], cpus["floor"], strict=True)]
            note += f", backend CPU {spread(cpu, '{:.2f}×')}"
        return note

    rounds_note = f"median (range) of {args.rounds} rounds"
    floor_cpu_note = ("" if any(c is None for c in cpus["floor"])
                      else f"backend CPU {spread(cpus['floor'], '{:.2f} s')}, ")
    rows.append(("floor: one SQL statement, totals only", spread(seconds["floor"], "{:.2f} s"),
                 floor_cpu_note + rounds_note))
    rows.append(("full tally, empty ledger (writes every row)",
                 spread(seconds["empty"], "{:.2f} s"),
                 f"{ratios('empty')}, {results['empty']['rows']} rows"))
    rows.append(("full tally, nothing changed (steady state)",
                 spread(seconds["steady"], "{:.2f} s"),
                 f"{ratios('steady')}, {results['steady']['written']} written"))
    rows.append(("the same after the job's VACUUM of the ledger",
                 spread(seconds["vacuumed"], "{:.2f} s"),
                 f"{ratios('vacuumed')}, {results['vacuumed']['written']} written"))
    second = results["steady"]
    same = (second["positive"], second["negative"]) == floor_totals
    rows.append(("tally totals == floor totals", str(same),
                 f"{second['positive']}/{second['negative']} vs {floor_totals[0]}/{floor_totals[1]}"))
    if args.tally_rounds_only:
        print_table(("measure", "value", "note"), rows)
        return 0

    ids = list(Cadre.objects.order_by("?").values_list("pk", flat=True)[: args.runs])
    times = []
    for pk in ids:
        started = time.perf_counter()
        tally(cadre_ids=[pk])
        times.append((time.perf_counter() - started) * 1000)
    rows.append(("incremental tally, one cadre (median)", f"{statistics.median(times):.1f} ms",
                 f"p95 {sorted(times)[int(0.95 * (len(times) - 1))]:.1f} ms, {len(times)} runs"))
    # The worker's peak: a fresh process that only sets Django up and runs the full tally (as a
    # worker does), so the data generation above does not count.
    import subprocess

    out = subprocess.run([sys.executable, __file__, "--database-url", args.database_url,
                          "--tally-only"], capture_output=True, text=True, check=True).stdout
    peak_mb = float(out.strip().splitlines()[-1])
    rows.append(("peak memory of a process running the full tally", f"{peak_mb:.0f} MB",
                 "the SQL runs in PostgreSQL"))

    admin = User.objects.filter(is_superuser=True).first() or User.objects.order_by("id").first()
    unit = Unit.objects.filter(depth=0).order_by("id").first()  # the whole city: the largest subtree
    client = APIClient()
    client.force_authenticate(admin)
    url = f"/api/v1/ledger/?year={YEARS[1]}&unit_tree={unit.pk}&page_size=50"
    for _ in range(3):
        client.get(url)
    times = []
    for _ in range(args.runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
    assert response.status_code == 200, response.content[:200]
    rows.append(("ledger API, a subtree and a year, 50 a page (median)",
                 f"{statistics.median(times):.1f} ms",
                 f"{len(queries)} queries, {response.json()['count']} rows in the subtree"))
    # Right after the tallies the rewritten rows' pages are not yet all-visible, so the count
    # reads the table: autovacuum sets them (it is off on this machine), as this VACUUM does.
    with connection.cursor() as cur:
        cur.execute(f"VACUUM ANALYZE {_tables()['ledger']}")
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    rows.append(("ledger API, the same, after VACUUM (autovacuum's work)",
                 f"{statistics.median(times):.1f} ms", "the count an index-only scan"))
    print(f"incentives ledger: {Cadre.objects.count()} cadres, {Unit.objects.count()} units")
    print_table(("measure", "value", "note"), rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
