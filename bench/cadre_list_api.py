"""GET /api/v1/cadres/ on the bench city: median and p95 per case, and SQL queries per request.

python bench/cadre_list_api.py [--runs 20] [--explain]"""

import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_main  # noqa: E402


def main(argv=None):
    return bench_main("/api/v1/cadres/", html=False, title="cadre list API", argv=argv)


if __name__ == "__main__":
    main()
