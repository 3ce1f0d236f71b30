"""The annual grade grid of a 300-cadre unit (GET /assessments/annual/<unit>/<year>/) and its
save (POST, every row at once), against a floor: the same three reads by raw SQL (the unit's
cadres, their grades, their quarterly grades) and the same 300 selects written with f-strings,
no template, no session, no middleware. Target: the page in ≤ 100 ms with a fixed query count.

    .venv/bin/python bench/assessment_grid.py [--database-url …] [--cadres 300] [--runs 30]

The bench database (default dandang_bench_grid) is migrated first; the unit, its cadres, half
of them graded and every quarter of the year graded, are made once through the services and
found again on later runs."""

import datetime as dt
import random
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    QueryLog,
    ensure_database,
    print_table,
    setup_django,
    summary,
    timed,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dandang_bench_grid"
YEAR = 2025
UNIT_CODE = "BENCH-GRID"


def _world(n: int):
    """The unit of n cadres and a staff user scoped to its parent, made once."""
    from assessments.models import AnnualAssessment
    from assessments.selectors.annual import AnnualRow, QuarterlyRow
    from assessments.services.annual import annual_save, quarterly_save
    from cadres import idnumber
    from cadres.demo import make_name
    from cadres.models import Cadre, PostLevel, Unit
    from cadres.services import cadre_create, unit_create
    from core.models import Role, User

    admin = User.objects.filter(username="bench_grid_admin").first() or User.objects.create_superuser(
        username="bench_grid_admin", email="grid@example.com", password="bench-pass-2026", roles=[Role.ADMIN]
    )
    parent = Unit.objects.filter(code="BENCH-GRID-P").first() or unit_create(
        actor=admin, name="基准区", code="BENCH-GRID-P", kind="party_committee"
    )
    unit = Unit.objects.filter(code=f"{UNIT_CODE}-{n}").first() or unit_create(
        actor=admin, name=f"基准街道（{n} 人）", code=f"{UNIT_CODE}-{n}", kind="subdistrict", parent=parent
    )
    staff = User.objects.filter(username="bench_grid_staff").first()
    if staff is None:
        staff = User.objects.create_user(username="bench_grid_staff", password="bench-pass-2026",
                                         roles=[Role.STAFF])
        staff.units.set([parent])
    have = Cadre.objects.filter(unit=unit).count()
    rng = random.Random(n)
    used = set(Cadre.objects.values_list("id_number", flat=True))
    for i in range(have, n):
        gender = "F" if rng.random() < 0.35 else "M"
        birth = dt.date(rng.randint(1965, 1999), rng.randint(1, 12), rng.randint(1, 28))
        seq = rng.randrange(1000)
        number = idnumber.make("370102", birth, seq % 1000, gender)
        while number in used:
            seq += 1
            number = idnumber.make("370102", birth, seq % 1000, gender)
        used.add(number)
        cadre_create(actor=admin, name=make_name(rng, gender), gender=gender, birth_date=birth,
                     id_number=number, political_status="cpc_member", education="bachelor",
                     unit=unit, position_title=f"科员{i + 1}", post_level=PostLevel.STAFF)
    cadres = list(Cadre.objects.filter(unit=unit).select_related("unit").order_by("id"))
    if not AnnualAssessment.objects.filter(unit=unit, year=YEAR).exists():
        annual_save(actor=admin, rows=[AnnualRow(c, YEAR, "competent") for c in cadres[: n // 2]])
        quarterly_save(actor=admin, rows=[QuarterlyRow(c, YEAR, q, rng.choice(["good", "fairly_good"]))
                                          for c in cadres for q in (1, 2, 3, 4)])
    return unit, staff, cadres


def _floor(unit, cadres) -> str:
    """What the page cannot avoid: the three reads, by raw SQL, and 300 selects as text."""
    from django.db import connection

    ids = [c.pk for c in cadres]
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, name, position_title FROM cadres_cadre WHERE unit_id = %s AND status = 'active' "
            "ORDER BY name, id", [unit.pk])
        people = cur.fetchall()
        cur.execute("SELECT cadre_id, grade, comment FROM assessments_annualassessment "
                    "WHERE cadre_id = ANY(%s) AND year = %s", [ids, YEAR])
        grades = {r[0]: r[1] for r in cur.fetchall()}
        cur.execute("SELECT cadre_id, quarter, grade FROM assessments_quarterlyassessment "
                    "WHERE cadre_id = ANY(%s) AND year = %s", [ids, YEAR])
        cur.fetchall()
    choices = ("excellent", "competent", "basically_competent", "incompetent", "not_graded")
    out = []
    for pk, name, title in people:
        grade = grades.get(pk, "")
        options = "".join(f'<option value="{v}"{" selected" if v == grade else ""}>{v}</option>'
                          for v in choices)
        out.append(f'<tr><td>{name}<div>{title}</div></td><td><select name="grade-{pk}">{options}'
                   f'</select><textarea name="comment-{pk}"></textarea></td></tr>')
    return "".join(out)


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--cadres", type=int, default=300)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args(argv)
    ensure_database(args.database_url)
    setup_django(args.database_url)

    import os
    import platform

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", interactive=False, verbosity=0)
    unit, staff, cadres = _world(args.cadres)
    client = Client()
    client.force_login(staff)
    url = f"/assessments/annual/{unit.pk}/{YEAR}/"

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url}: HTTP {response.status_code}")
        return response

    graded = {c.pk for c in cadres[: args.cadres // 2]}
    form = {f"grade-{c.pk}": "competent" if c.pk in graded else "" for c in cadres}

    def post():
        response = client.post(url, form)
        if response.status_code != 302:
            raise SystemExit(f"POST {url}: HTTP {response.status_code}")
        return response

    rows = []
    floor_times = timed(lambda: _floor(unit, cadres), runs=args.runs, warmup=args.warmup)
    floor_median, floor_p95 = summary(floor_times)
    for label, fn in ((f"GET the grid ({args.cadres} cadres)", get),
                      (f"POST every row ({args.cadres // 2} graded, unchanged)", post)):
        log = QueryLog()
        with connection.execute_wrapper(log):
            response = fn()
        times = timed(fn, runs=args.runs, warmup=args.warmup)
        median, p95 = summary(times)
        size = len(get().content) / 1024 if fn is get else len(response.content) / 1024
        rows.append((label, f"{median:.1f}", f"{p95:.1f}", str(len(log)), f"{size:.0f}",
                     f"{floor_median / median:.2f}"))
    rows.append(("floor: the 3 reads by raw SQL + f-string selects", f"{floor_median:.1f}",
                 f"{floor_p95:.1f}", "3", f"{len(_floor(unit, cadres).encode()) / 1024:.0f}", "1.00"))
    print(f"\n{time.strftime('%Y-%m-%d %H:%M')}  {os.cpu_count()} CPUs  Python {platform.python_version()}  "
          f"PostgreSQL {connection.pg_version // 10000}  load average {os.getloadavg()[0]:.2f}")
    print(f"annual grid: {url}, {args.runs} runs each after {args.warmup} warm-up")
    print_table(("case", "median ms", "p95 ms", "queries", "KiB", "× floor"), rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
