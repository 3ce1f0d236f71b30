"""The cadre list through gunicorn against the raw-SQL floor, driven by wrk (issue 6, item 9).

    python bench/api_floor.py [--database-url URL] [--workers 3] [--duration 10] [--clients 4 16]

The floor is `floor_app` below: a WSGI app that does the work the endpoint must do and nothing
else: the token lookup, the same count and the same page of 50 as the endpoint's SQL (psycopg2,
one connection per worker), shaped by json.dumps. It runs on the same gunicorn, with the same
workers, against the same database. Then the real API (a token) and the real HTML list (a
session) are driven the same way, and the table gives req/s, p50, p95, p99 and the ratio to the
floor in the same run. Needs wrk (`make bench` installs it) and a loaded bench database."""

import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# The floor ---------------------------------------------------------------------------------

_FLOOR_SQL = {
    # knox: the SHA-512 digest of the key is the primary key (hashed in Python, as the app does).
    "token": "SELECT u.id FROM knox_authtoken t JOIN core_user u ON u.id = t.user_id "
    "WHERE t.digest = %s AND (t.expiry IS NULL OR t.expiry > now()) AND u.is_active",
    "count": "SELECT COALESCE(SUM(cadres), 0) FROM cadres_unit_cadre_count",
    "page": "SELECT c.id, c.name, c.gender, c.birth_date, c.ethnicity, c.id_number, "
    "c.political_status, c.education, c.unit_id, u.name, c.position_title, c.post_level, c.rank, "
    "c.rank_since, c.status, c.is_reserve, c.is_representative, c.tags, c.created_at, "
    "c.updated_at FROM cadres_cadre c JOIN cadres_unit u ON u.id = c.unit_id "
    "ORDER BY u.path, c.name, c.id LIMIT 50",
}
_KEYS = (
    "id",
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "id_number",
    "political_status",
    "education",
    "unit",
    "unit_name",
    "position_title",
    "post_level",
    "rank",
    "rank_since",
    "status",
    "is_reserve",
    "is_representative",
    "tags",
    "created_at",
    "updated_at",
)
_conn = None


def floor_app(environ, start_response):
    """GET /api/v1/cadres/ for an administrator, in raw SQL: what the endpoint cannot avoid."""
    global _conn
    import psycopg2

    if _conn is None:
        _conn = psycopg2.connect(os.environ["FLOOR_DSN"])
        _conn.autocommit = True
    auth = environ.get("HTTP_AUTHORIZATION", "")
    with _conn.cursor() as cur:
        digest = hashlib.sha512(auth.removeprefix("Token ").encode()).hexdigest()
        cur.execute(_FLOOR_SQL["token"], [digest])
        if cur.fetchone() is None:
            start_response("401 Unauthorized", [("Content-Type", "application/json")])
            return [b'{"detail": "invalid token"}']
        cur.execute(_FLOOR_SQL["count"])
        count = cur.fetchone()[0]
        cur.execute(_FLOOR_SQL["page"])
        rows = [dict(zip(_KEYS, row, strict=True)) for row in cur.fetchall()]
    for row in rows:
        row["id_number"] = row["id_number"][:6] + "*" * 12
        for key in ("birth_date", "rank_since", "created_at", "updated_at"):
            row[key] = row[key] and row[key].isoformat()
    body = json.dumps(
        {"count": int(count), "next": "?page=2", "previous": None, "results": rows},
        ensure_ascii=False,
    ).encode()
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


# Driving it --------------------------------------------------------------------------------

_WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %f %d %d %f %f %f %d\\n",
    summary.requests / (summary.duration / 1e6), summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, path: str, headers: dict, timeout: float = 30) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while True:
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


class Gunicorn:
    """gunicorn serving `app` on a free port, stopped (by its own pid) on exit."""

    def __init__(self, app: str, *, workers: int, env: dict, threads: int = 1, chdir=None):
        self.port = _free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                app,
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "--chdir",
                str(chdir or ROOT),
            ],
            env={**os.environ, **env},
        )

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def wrk(url: str, *, clients: int, duration: int, headers: dict) -> dict:
    """req/s and latency percentiles (ms) from one wrk run."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_WRK_REPORT)
    try:
        command = [
            "wrk",
            "-t",
            str(min(2, clients)),
            "-c",
            str(clients),
            "-d",
            f"{duration}s",
            "-s",
            script.name,
        ]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    line = next(row for row in output.splitlines() if row.startswith("RESULT "))
    rps, total, errors, p50, p95, p99, _status = line.split()[1:]
    return {
        "rps": float(rps),
        "requests": int(total),
        "errors": int(errors),
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
    }


ROOT = Path(__file__).resolve().parent.parent


def _combined(slices: list[dict], seconds: int) -> dict:
    """One figure from a target's slices: req/s over all of them; latency percentiles as the
    median of the slices' (wrk reports percentiles, not the samples to merge)."""
    import statistics

    total = sum(r["requests"] for r in slices)
    return {
        "rps": total / (seconds * len(slices)),
        "requests": total,
        "errors": sum(r["errors"] for r in slices),
        **{p: statistics.median(r[p] for r in slices) for p in ("p50", "p95", "p99")},
    }


def credentials(database_url: str) -> tuple[str, str]:
    """A token and a session cookie for the bench administrator (made in this process)."""
    from bench.common import BENCH_ADMIN, setup_django

    setup_django(database_url)
    from django.conf import settings
    from django.test import Client
    from knox.models import AuthToken

    from core.models import User

    admin = User.objects.get(username=BENCH_ADMIN)
    _instance, token = AuthToken.objects.create(user=admin)
    client = Client()
    client.force_login(admin)
    return token, client.cookies[settings.SESSION_COOKIE_NAME].value


def floor_dsn(database_url: str) -> str:
    """The libpq DSN of a DATABASE_URL, for the floor's psycopg2 connection."""
    import dj_database_url

    cfg = dj_database_url.parse(database_url)
    return f"dbname={cfg['NAME']} user={cfg['USER']} host={cfg['HOST']} port={cfg['PORT'] or 5432}"


def main(argv=None) -> int:
    import argparse

    from bench.common import DEFAULT_DATABASE_URL, print_table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--clients", type=int, nargs="+", default=[4, 16])
    parser.add_argument(
        "--baseline",
        metavar="DIR",
        help="another checkout (git archive of an older commit): its API and page join the run",
    )
    parser.add_argument("--rounds", type=int, default=4, help="slices a run is cut into")
    parser.add_argument(
        "--threads", type=int, default=1, help="gunicorn --threads (above 1: gthread workers)"
    )
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        print(
            "wrk is not installed: `make bench` installs it (Debian package wrk)", file=sys.stderr
        )
        return 2
    url = args.database_url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    token, session = credentials(url)
    dsn = floor_dsn(url)
    django_env = {
        "DATABASE_URL": url,
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CONN_MAX_AGE": "600",
    }
    targets = [
        (
            "floor (raw SQL)",
            "bench.api_floor:floor_app",
            {"FLOOR_DSN": dsn},
            "/api/v1/cadres/",
            {"Authorization": f"Token {token}"},
        ),
        (
            "API /api/v1/cadres/",
            "config.wsgi:application",
            django_env,
            "/api/v1/cadres/",
            {"Authorization": f"Token {token}"},
        ),
        (
            "page /cadres/",
            "config.wsgi:application",
            django_env,
            "/cadres/",
            {"Cookie": f"sessionid={session}"},
        ),
    ]
    if args.baseline:
        for label, app, env, path, headers in targets[1:]:
            targets.append(
                (f"{label} (baseline)", app, env, path, headers, Path(args.baseline).resolve())
            )
    # All three servers run at once (idle workers cost nothing) and wrk visits them in turn, a
    # slice of --duration / --rounds each, round after round: on a machine shared with other work
    # the load moves within a minute, and a ratio taken minutes apart measures the load instead.
    slice_seconds = max(1, round(args.duration / args.rounds))
    runs = {}
    with contextlib.ExitStack() as stack:
        servers = {}
        for label, app, env, path, headers, *chdir in targets:
            server = stack.enter_context(
                Gunicorn(
                    app,
                    workers=args.workers,
                    threads=args.threads,
                    env=env,
                    chdir=chdir[0] if chdir else None,
                )
            )
            _wait_for(server.port, path, headers)
            servers[label] = (f"http://127.0.0.1:{server.port}{path}", headers)
            wrk(servers[label][0], clients=4, duration=2, headers=headers)  # warm every worker
        for clients in args.clients:
            for _ in range(args.rounds):
                for label, *_rest in targets:
                    target, headers = servers[label]
                    runs.setdefault((label, clients), []).append(
                        wrk(target, clients=clients, duration=slice_seconds, headers=headers)
                    )
    results = {key: _combined(slices, slice_seconds) for key, slices in runs.items()}
    rows = []
    for clients in args.clients:
        floor = results["floor (raw SQL)", clients]["rps"]
        for label, *_ in targets:
            r = results[label, clients]
            rows.append(
                (
                    label,
                    str(clients),
                    f"{r['rps']:.0f}",
                    f"{r['p50']:.1f}",
                    f"{r['p95']:.1f}",
                    f"{r['p99']:.1f}",
                    f"{r['rps'] / floor:.2f}",
                    str(r["errors"]),
                )
            )
    print(
        f"\n{time.strftime('%Y-%m-%d %H:%M')}  gunicorn --workers {args.workers} --threads "
        f"{args.threads}, wrk {args.duration} s a run in {args.rounds} interleaved slices, "
        f"{os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.2f}"
    )
    print_table(
        ("target", "clients", "req/s", "p50 ms", "p95 ms", "p99 ms", "× floor", "errors"), rows
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
