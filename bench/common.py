"""What the bench scripts share: Django set up against the bench database, timing, tables."""

import os
import statistics
import sys
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dandang_bench"

BENCH_ADMIN = "bench_admin"
BENCH_STAFF = "bench_staff"
BENCH_PASSWORD = "bench-pass-2026"


def setup_django(database_url: str | None = None) -> str:
    """Point Django at the bench database with production-like settings (DEBUG off)."""
    url = database_url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return url


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in url when it does not exist yet."""
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import dj_database_url
    import psycopg2

    cfg = dj_database_url.parse(url)
    conn = psycopg2.connect(
        dbname="postgres",
        user=cfg["USER"],
        password=cfg["PASSWORD"] or None,
        host=cfg["HOST"] or None,
        port=cfg["PORT"] or None,
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
    conn.close()


def timed(fn, *, runs: int, warmup: int = 2) -> list[float]:
    """Milliseconds for each of `runs` calls of fn, after `warmup` calls that are not counted."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def summary(times: list[float]) -> tuple[float, float]:
    """(median, 95th percentile) in milliseconds."""
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return statistics.median(ordered), p95


def print_table(header: tuple, rows: list[tuple]) -> None:
    from cadres.demo import format_table

    print(format_table(header, rows))


class Scenario(NamedTuple):
    """One request to measure: who asks (a bench username) and with which query string."""

    label: str
    username: str
    params: dict


def bench_scenarios(*, html: bool) -> list[Scenario]:
    """The cases issue 2 names, for the API (`html=False`) or the HTML list (`html=True`):
    page 1 as the administrator and as the district-scoped staff user, a unit subtree, a name
    search, a deep page and the largest page."""
    from cadres.models import Cadre, Unit

    district = Unit.objects.filter(depth=1, name__endswith="区").order_by("id")[1]
    full_name = Cadre.objects.order_by("id").values_list("name", flat=True)[4241]
    subtree = {"unit": district.pk, "tree": "on"} if html else {"unit_tree": district.pk}
    scenarios = [
        Scenario("admin, page 1", BENCH_ADMIN, {}),
        Scenario("staff (one district), page 1", BENCH_STAFF, {}),
        Scenario(f"admin, unit subtree ({district.name})", BENCH_ADMIN, subtree),
        Scenario("admin, q=王 (common)", BENCH_ADMIN, {"q": "王"}),
        Scenario("admin, q=陈雄 (two characters)", BENCH_ADMIN, {"q": "陈雄"}),
        Scenario("admin, q=謝 (traditional)", BENCH_ADMIN, {"q": "謝"}),
        Scenario("admin, q=<a full name> (one name)", BENCH_ADMIN, {"q": full_name}),
        Scenario("admin, page 1000", BENCH_ADMIN, {"page": 1000}),
        Scenario(
            "staff, last page", BENCH_STAFF, {"page": "last"} if html else {"page": "__last__"}
        ),
    ]
    if not html:
        scenarios.append(Scenario("admin, page_size=200", BENCH_ADMIN, {"page_size": 200}))
    return scenarios


def run_bench(
    path: str, scenarios: list[Scenario], *, runs: int, warmup: int, explain: bool
) -> list[tuple]:
    """Measure GET path for each scenario in-process (Django's test client, a logged-in
    session, no network): median and p95 over `runs`, and the SQL queries of one request."""
    from django.db import connection
    from django.test import Client

    from core.models import User

    clients = {}
    rows = []
    for scenario in scenarios:
        if scenario.username not in clients:
            clients[scenario.username] = Client()
            clients[scenario.username].force_login(User.objects.get(username=scenario.username))
        client = clients[scenario.username]
        params = dict(scenario.params)
        if params.get("page") == "__last__":  # the API has no "last": ask for the count first
            count = client.get(path, {k: v for k, v in params.items() if k != "page"}).json()[
                "count"
            ]
            params["page"] = max(1, -(-count // int(params.get("page_size", 50))))

        def get(client=client, params=params):
            response = client.get(path, params)
            if response.status_code != 200:
                raise SystemExit(f"{path} {params}: HTTP {response.status_code}")
            return response

        captured = QueryLog()
        with connection.execute_wrapper(captured):
            response = get()
        times = timed(get, runs=runs, warmup=warmup)
        median, p95 = summary(times)
        rows.append(
            (
                scenario.label,
                f"{median:.1f}",
                f"{p95:.1f}",
                str(len(captured)),
                f"{len(response.content) / 1024:.0f}",
            )
        )
        if explain:
            print(f"\n## {path} {scenario.label} {params}")
            explain_queries(captured)
    return rows


class QueryLog(list):
    """An execute wrapper that keeps (sql, params, ms) of every query. (CaptureQueriesContext
    would see none: each request resets the connection's query log when it starts.)"""

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.append((sql, params, (time.perf_counter() - start) * 1000))


def explain_queries(queries: QueryLog, *, min_ms: float = 1.0) -> None:
    """EXPLAIN ANALYZE each SELECT on cadres or units that took at least min_ms."""
    from django.db import connection

    for sql, params, ms in queries:
        if not sql.startswith("SELECT") or ms < min_ms:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        print(
            f"\n-- {ms:.1f} ms: {sql[:400]}{'…' if len(sql) > 400 else ''}"
            f"\n-- params {params}\n{plan}"
        )


def measure_list(
    path: str, *, html: bool, title: str, runs: int, warmup: int, explain: bool = False
) -> list:
    """Run the scenarios against path and print the table; Django must be set up."""
    from cadres.models import Cadre

    total = Cadre.objects.count()
    if not total:
        raise SystemExit("no cadres: run bench/generate.py first")
    rows = run_bench(path, bench_scenarios(html=html), runs=runs, warmup=warmup, explain=explain)
    print(f"\n{title}: GET {path}, {total} cadres, {runs} runs each (after {warmup} warm-up)")
    print_table(("case", "median ms", "p95 ms", "queries", "KiB"), rows)
    return rows


def bench_args(description: str, argv=None):
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slow queries")
    parser.add_argument("--json", action="store_true", help="also print the rows as one JSON line")
    parser.add_argument(
        "--plain-paginator",
        action="store_true",
        help="the API with Django's plain Paginator: the figures before DeferredJoinPaginator",
    )
    return parser


def apply_args(args) -> None:
    if args.plain_paginator:
        from django.core.paginator import Paginator

        from core.pagination import Pagination

        Pagination.django_paginator_class = Paginator


def bench_main(path: str, *, html: bool, title: str, argv=None) -> list:
    args = bench_args(title).parse_args(argv)
    setup_django(args.database_url)
    apply_args(args)
    rows = measure_list(
        path, html=html, title=title, runs=args.runs, warmup=args.warmup, explain=args.explain
    )
    if args.json:
        import json

        print("JSON " + json.dumps(rows, ensure_ascii=False))
    return rows
