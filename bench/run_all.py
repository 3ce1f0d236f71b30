"""Every benchmark in one go: load the bench city when the database has none (or with
--regenerate), then measure the cadre list API and page. The figures go in docs/PERFORMANCE.md.

    python bench/run_all.py [--regenerate] [--runs 20]"""

import os
import platform
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import generate  # noqa: E402
from bench.common import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    apply_args,
    bench_args,
    ensure_database,
    measure_list,
    setup_django,
)


def main(argv=None) -> int:
    parser = bench_args(__doc__.splitlines()[0])
    parser.add_argument(
        "--regenerate", action="store_true", help="wipe and load the bench city again"
    )
    parser.add_argument(
        "--no-floor", action="store_true", help="skip bench/api_floor.py (gunicorn and wrk)"
    )
    args = parser.parse_args(argv)
    url = args.database_url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not url.startswith(("postgres://", "postgresql://")):
        print(f"the benchmarks need PostgreSQL; DATABASE_URL is {url}", file=sys.stderr)
        return 2
    ensure_database(url)
    setup_django(url)
    apply_args(args)
    from django.core.management import call_command
    from django.db import connection

    from cadres.models import Cadre

    call_command("migrate", interactive=False, verbosity=0)
    if args.regenerate or not Cadre.objects.exists():
        generate.load(force=True)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    print(
        f"{time.strftime('%Y-%m-%d %H:%M')}  {os.cpu_count()} CPUs  "
        f"Python {platform.python_version()}  "
        f"PostgreSQL {pg}  load average {os.getloadavg()[0]:.2f}"
    )
    for path, html, title in (
        ("/api/v1/cadres/", False, "cadre list API"),
        ("/cadres/", True, "cadre list page"),
    ):
        measure_list(
            path, html=html, title=title, runs=args.runs, warmup=args.warmup, explain=args.explain
        )
    if not args.no_floor:
        import subprocess

        script = Path(__file__).resolve().parent / "api_floor.py"
        return subprocess.run([sys.executable, str(script), "--database-url", url]).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
