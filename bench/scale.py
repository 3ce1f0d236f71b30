"""City against province: every cadre list case at two sizes, side by side (issue 6, item 9).

    python bench/generate.py --database-url .../dandang_bench_100k
    python bench/generate.py --database-url .../dandang_bench_1m --units 20000 --cadres 1000000 \\
        --appointments 1500000
    python bench/scale.py [--small URL] [--large URL] [--runs 20] [--html]

Each size is measured in its own process (bench/cadre_list_api.py, or cadre_list_page.py with
--html), in process as the other list benches are; the table gives both medians, the ratio, and
whether it is within the target of 2x."""

import json
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import print_table, setup_django  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SMALL = "postgres://postgres@127.0.0.1:5432/dandang_bench_100k"
LARGE = "postgres://postgres@127.0.0.1:5432/dandang_bench_1m"
TARGET = 2.0


def measure(script: str, url: str, runs: int) -> dict[str, tuple]:
    command = [sys.executable, str(ROOT / "bench" / script), "--database-url", url,
               "--runs", str(runs), "--json"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(row for row in output.splitlines() if row.startswith("JSON "))
    return {row[0]: row for row in json.loads(line[5:])}


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", default=SMALL, help="the city (100,000 cadres)")
    parser.add_argument("--large", default=LARGE, help="the province (1,000,000 cadres)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--html", action="store_true", help="the HTML list instead of the API")
    args = parser.parse_args(argv)
    script = "cadre_list_page.py" if args.html else "cadre_list_api.py"
    small = measure(script, args.small, args.runs)
    large = measure(script, args.large, args.runs)
    setup_django(args.small)  # print_table uses the project's table formatting
    rows, failed = [], 0
    for case, (_, median, p95, queries, _kib) in small.items():
        _, big_median, big_p95, big_queries, _ = large[case]
        ratio = float(big_median) / float(median)
        failed += ratio > TARGET
        rows.append((case, median, p95, big_median, big_p95, f"{queries}/{big_queries}",
                     f"{ratio:.2f}", "yes" if ratio <= TARGET else "NO"))
    print(f"\n{'GET /cadres/' if args.html else 'GET /api/v1/cadres/'}: median and p95 ms "
          f"at each size, {args.runs} runs each")
    print_table(("case", "100k median", "100k p95", "1M median", "1M p95", "queries",
                 "1M / 100k", f"<= {TARGET:g}x"), rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
