"""One list request end to end through Django's WSGI handler, timed and profiled (issue 6, item 9).

    python bench/profile_request.py [--database-url URL] [--page] [--runs 300] [--profile]

Calls `config.wsgi.application` in process with the environ gunicorn would build, so everything
from the middleware to the encoded body is counted and nothing of the network is. Prints the
median and p95 in ms; with --profile, a pyinstrument tree of the runs (pip install pyinstrument).
The same for the floor (`bench.api_floor.floor_app`) with --floor."""

import io
import os
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _environ(path: str, headers: dict) -> dict:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def main(argv=None) -> int:
    import argparse

    from bench.common import DEFAULT_DATABASE_URL, summary, timed

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--page", action="store_true", help="the HTML list instead of the API")
    parser.add_argument("--floor", action="store_true", help="the raw-SQL floor instead")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--profile", action="store_true", help="a pyinstrument tree (wall time)")
    parser.add_argument("--cprofile", metavar="SORT", help="cProfile in CPU time, sorted so")
    args = parser.parse_args(argv)
    url = args.database_url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    os.environ["CONN_MAX_AGE"] = "600"
    from bench.api_floor import credentials, floor_dsn

    token, session = credentials(url)
    if args.floor:
        from bench.api_floor import floor_app as app

        os.environ["FLOOR_DSN"] = floor_dsn(url)
    else:
        from config.wsgi import application as app
    if args.page:
        path, headers = "/cadres/", {"Cookie": f"sessionid={session}"}
    else:
        path, headers = "/api/v1/cadres/", {"Authorization": f"Token {token}"}

    def one():
        status = []
        body = b"".join(app(_environ(path, headers), lambda s, h, *a: status.append(s)))
        assert status[0].startswith("200"), (status, body[:300])

    cpu = float("nan")
    if args.cprofile:
        import cProfile
        import pstats

        timed(one, runs=5)
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        times = timed(one, runs=args.runs, warmup=0)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats(args.cprofile).print_stats(45)
    elif args.profile:
        from pyinstrument import Profiler

        timed(one, runs=5)
        profiler = Profiler(interval=0.0002)
        profiler.start()
        times = timed(one, runs=args.runs, warmup=0)
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    else:
        timed(one, runs=10)
        times, batches = [], []
        for _ in range(max(1, args.runs // 25)):  # the quietest batch of 25: others share the CPUs
            cpu = time.process_time()
            times += timed(one, runs=25, warmup=0)
            batches.append((time.process_time() - cpu) * 1000 / 25)
        cpu = min(batches)
    median, p95 = summary(times)
    print(
        f"{'floor' if args.floor else path}: median {median:.2f} ms, p95 {p95:.2f} ms over "
        f"{args.runs} runs; this process's CPU {cpu:.2f} ms a request"
        " (the least of batches of 25; the database's not counted)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
