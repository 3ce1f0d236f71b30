"""Load a city the size the product must handle: 2,000 units, 100,000 cadres, ~150,000
appointments, and two bench users. PostgreSQL gets COPY; any other database bulk INSERTs
(the smoke test runs it on a few hundred rows on SQLite).

    python bench/generate.py [--units 2000 --cadres 100000 --force]

It bypasses the services on purpose: this is fixture data for measuring reads, so there is no
audit trail for it. Ids are assigned here so that each unit's `path` is known before insert."""

import argparse
import datetime as dt
import io
import os
import random
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    BENCH_ADMIN,
    BENCH_PASSWORD,
    BENCH_STAFF,
    DEFAULT_DATABASE_URL,
    ensure_database,
    setup_django,
)

SEED = 100_000
STREET_OFFICES = (
    "党政办公室",
    "经济发展办公室",
    "社会事务办公室",
    "综合行政执法队",
    "社区服务中心",
    "退役军人服务站",
)
DEPARTMENTS = (
    "发展和改革局",
    "财政局",
    "教育局",
    "民政局",
    "审计局",
    "卫生健康局",
    "农业农村局",
    "商务局",
    "自然资源局",
    "交通运输局",
    "应急管理局",
    "市场监督管理局",
    "人力资源和社会保障局",
    "司法局",
    "生态环境局",
    "水利局",
    "文化和旅游局",
    "统计局",
    "医疗保障局",
)
CATEGORIES = ("comprehensive", "economic", "social", "vertical")
TOWN_CATEGORIES = ("optimized_development", "key_development", "ecological_protection")
# (title, post level, weight): who works where, most of them below the leaders.
TITLES = (
    ("主要负责人", "division_chief", 1),
    ("副职", "division_deputy", 3),
    ("科长", "section_chief", 8),
    ("副科长", "section_deputy", 10),
    ("一级科员", "staff", 20),
    ("办事员", "clerk", 4),
)


class DataExists(Exception):
    pass


# Building rows (pure Python, deterministic) ------------------------------------------


def build_units(
    n: int, *, districts: int = 12, streets: int = 15, departments: int = 45
) -> list[dict]:
    """n units in a city tree, parents before children: the city, its organization department,
    districts with their departments, streets (each with its offices) and institutions, then
    city departments to make up the number. Ids are 1..n."""
    units: list[dict] = []

    def add(name, kind, parent=None, category=""):
        if len(units) >= n:
            return None
        unit_id = len(units) + 1
        path = f"{parent['path'] if parent else '/'}{unit_id}/"
        unit = dict(
            id=unit_id,
            name=name,
            code=f"B{unit_id:05d}",
            parent_id=parent["id"] if parent else None,
            kind=kind,
            category=category,
            path=path,
            depth=parent["depth"] + 1 if parent else 0,
        )
        units.append(unit)
        return unit

    city = add("基准市", "party_committee")
    add("中共基准市委组织部", "party_committee", city, "comprehensive")
    for d in range(districts):
        district = add(f"第{d + 1}区", "party_committee", city)
        if district is None:
            break
        add(f"中共第{d + 1}区委组织部", "party_committee", district, "comprehensive")
        for i in range(departments):
            add(
                f"第{d + 1}区{DEPARTMENTS[i % len(DEPARTMENTS)]}{i // len(DEPARTMENTS) or ''}",
                "government_department",
                district,
                CATEGORIES[i % 4],
            )
        for s in range(streets):
            kind = "subdistrict" if s % 3 else "town"
            street = add(
                f"第{d + 1}区第{s + 1}{'街道' if kind == 'subdistrict' else '镇'}",
                kind,
                district,
                TOWN_CATEGORIES[s % 3],
            )
            if street is None:
                break
            for office in STREET_OFFICES:
                add(f"{street['name']}{office}", "public_institution", street, "social")
        for i in range(3):
            add(f"第{d + 1}区事业单位{i + 1}", "public_institution", district, "social")
    i = 0
    while len(units) < n:
        i += 1
        add(
            f"基准市{DEPARTMENTS[i % len(DEPARTMENTS)]}{i}",
            "government_department",
            city,
            CATEGORIES[i % 4],
        )
    return units


def _region(unit: dict) -> str:
    """An ID-number region code per top-level branch of the tree (3701xx, like Jinan's)."""
    ids = unit["path"].strip("/").split("/")
    return f"3701{int(ids[1]) % 100 if len(ids) > 1 else 0:02d}"


def _search_columns(name: str) -> dict:
    """cadres.search's derived columns, JSON-encoded for COPY as the model would store them."""
    import json

    from cadres.search import search_fields

    fields = search_fields(name)
    return {**fields, "name_grams": json.dumps(fields["name_grams"], ensure_ascii=False)}


def build_cadres(units: list[dict], n: int, rng: random.Random) -> list[dict]:
    """n cadres spread over the units (departments and institutions the fullest), with valid,
    unique ID numbers whose birth date and gender agree with the record."""
    from cadres import idnumber
    from cadres.demo import make_name

    weights = [
        {
            "party_committee": 15,
            "government_department": 60,
            "subdistrict": 30,
            "town": 30,
            "public_institution": 30,
            "soe": 40,
        }[u["kind"]]
        for u in units
    ]
    unit_ids = rng.choices([u["id"] for u in units], weights, k=n)
    regions = {u["id"]: _region(u) for u in units}
    titles, levels, title_weights = zip(*[(t, lvl, w) for t, lvl, w in TITLES], strict=True)
    names = {u["id"]: u["name"] for u in units}
    used: set[str] = set()
    cadres = []
    for i, unit_id in enumerate(unit_ids, start=1):
        gender = "F" if rng.random() < 0.35 else "M"
        birth = dt.date(rng.randint(1965, 1999), rng.randint(1, 12), rng.randint(1, 28))
        region = regions[unit_id]
        seq = rng.randrange(100)
        number = idnumber.make(region, birth, seq, gender)
        while number in used:
            seq += 1
            number = idnumber.make(region, birth, seq, gender)
        used.add(number)
        t = rng.choices(range(len(titles)), title_weights)[0]
        name = make_name(rng, gender)
        cadres.append(
            dict(
                id=i,
                name=name,
                gender=gender,
                birth_date=birth,
                ethnicity="汉族",
                id_number=number,
                political_status="cpc_member",
                education=rng.choice(("bachelor", "master", "bachelor", "college")),
                unit_id=unit_id,
                position_title=f"{names[unit_id]}{titles[t]}",
                post_level=levels[t],
                rank="",
                rank_since=None,
                status="active" if rng.random() < 0.95 else rng.choice(("retired", "transferred")),
                is_reserve=rng.random() < 0.05,
                is_representative=rng.random() < 0.02,
                tags="[]",
                **_search_columns(name),
            )
        )
    return cadres


def build_appointments(cadres: list[dict], target: int, rng: random.Random) -> list[dict]:
    """Every cadre's present post, plus earlier posts until about `target` rows; a cadre's
    posts run end to end, so they never overlap."""
    extra_share = max(0.0, (target - len(cadres)) / max(1, len(cadres)))
    owed = 0.0  # earlier posts still to hand out; a cadre too young for one passes it on
    rows = []
    for c in cadres:
        earliest = c["birth_date"].year + 23
        start = dt.date(rng.randint(max(earliest + 2, 2010), 2025), rng.randint(1, 12), 1)
        posts = [(c["unit_id"], c["position_title"], c["post_level"], start, None)]
        owed += extra_share
        while owed >= 1:
            prev = dt.date(start.year - rng.randint(2, 5), rng.randint(1, 12), 1)
            if prev.year < earliest or prev >= start:
                break
            posts.append(
                (c["unit_id"], c["position_title"] + "（原）", c["post_level"], prev, start)
            )
            start = prev
            owed -= 1
        for unit_id, title, level, begin, end in reversed(posts):
            rows.append(
                dict(
                    id=len(rows) + 1,
                    cadre_id=c["id"],
                    unit_id=unit_id,
                    title=title,
                    post_level=level,
                    kind="promotion" if end is None else "lateral",
                    is_main=True,
                    start_date=begin,
                    end_date=end,
                    document_number=f"基组干〔{begin.year}〕{len(rows) % 997 + 1}号",
                    exceptional_reason="",
                )
            )
    return rows


# Writing rows -------------------------------------------------------------------------


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def write_rows(table: str, rows: list[dict], *, extra: dict | None = None) -> None:
    """COPY the rows into table on PostgreSQL; bulk INSERT elsewhere."""
    from django.db import connection

    if not rows:
        return
    columns = [*rows[0], *(extra or {})]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            for row in rows:
                values = [*row.values(), *(extra or {}).values()]
                buffer.write("\t".join(_copy_value(v) for v in values) + "\n")
            buffer.seek(0)
            cursor.copy_expert(
                f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN", buffer
            )
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({marks})"
            params = [
                [
                    *(v.isoformat() if isinstance(v, dt.date) else v for v in row.values()),
                    *(extra or {}).values(),
                ]
                for row in rows
            ]
            for i in range(0, len(params), 5000):
                cursor.executemany(sql, params[i : i + 5000])


def wipe() -> None:
    """Empty the unit, cadre and appointment tables and everything that refers to them
    (users and the audit trail included): the bench database holds nothing else."""
    from django.core.management.color import no_style
    from django.db import connection

    # core_user by name: it used to go by cascade from cadres_cadre (User.cadre), a key that
    # now lives on the cadre (Cadre.account) and cascades the other way.
    tables = ["cadres_appointment", "cadres_cadre", "cadres_unit", "core_user"]
    if connection.vendor == "postgresql":
        # TRUNCATE refuses while deferred foreign-key checks are pending in this transaction.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    connection.ops.execute_sql_flush(
        connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
    )


def _bench_users(units: list[dict]) -> dict:
    from cadres.models import Unit
    from core.accounts import user_create
    from core.models import Role, User

    admin = User.objects.filter(username=BENCH_ADMIN).first() or User.objects.create_superuser(
        username=BENCH_ADMIN, email="bench@example.com", password=BENCH_PASSWORD, roles=[Role.ADMIN]
    )
    district = next(u for u in units if u["depth"] == 1 and u["name"].endswith("区"))
    staff = User.objects.filter(username=BENCH_STAFF).first() or user_create(
        actor=admin,
        username=BENCH_STAFF,
        password=BENCH_PASSWORD,
        roles=[Role.STAFF],
        units=[Unit.objects.get(pk=district["id"])],
    )
    return {"admin": admin, "staff": staff, "staff_unit_id": district["id"]}


def load(
    *,
    units: int = 2000,
    cadres: int = 100_000,
    appointments: int = 150_000,
    force: bool = False,
    seed: int = SEED,
    log=print,
) -> dict:
    """Build and write the city. Raises DataExists when there are units or cadres, unless force."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from cadres.models import Appointment, Cadre, Unit

    existing = Cadre.objects.count() + Unit.objects.count()
    if existing and not force:
        raise DataExists(
            f"the database already holds {Unit.objects.count()} units and "
            f"{Cadre.objects.count()} cadres; pass --force to wipe them"
        )
    rng = random.Random(seed)
    timings = {}
    started = time.perf_counter()
    unit_rows = build_units(units)
    cadre_rows = build_cadres(unit_rows, cadres, rng)
    appointment_rows = build_appointments(cadre_rows, appointments, rng)
    timings["build"] = time.perf_counter() - started
    now = timezone.now()
    with transaction.atomic():
        if existing:
            wipe()
        step = time.perf_counter()
        write_rows("cadres_unit", unit_rows)
        write_rows("cadres_cadre", cadre_rows, extra={"created_at": now, "updated_at": now})
        write_rows("cadres_appointment", appointment_rows, extra={"created_at": now})
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Unit, Cadre, Appointment]):
                cursor.execute(sql)
        users = _bench_users(unit_rows)
        timings["write"] = time.perf_counter() - step
    if connection.vendor == "postgresql":
        step = time.perf_counter()
        # VACUUM, not only ANALYZE: it sets the visibility map, without which COUNT(*) and the
        # id-only page subqueries cannot be index-only scans (autovacuum does this in service).
        # (Inside a transaction, as in the tests, VACUUM is not allowed: ANALYZE only.)
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            for table in ("cadres_unit", "cadres_cadre", "cadres_appointment",
                          "cadres_unit_cadre_count", "cadres_unit_gram_count"):
                cursor.execute(f"{command} {table}")
        timings["vacuum"] = time.perf_counter() - step
    timings["total"] = time.perf_counter() - started
    log(
        f"loaded {len(unit_rows)} units, {len(cadre_rows)} cadres, "
        f"{len(appointment_rows)} appointments in {timings['total']:.1f} s "
        f"(build {timings['build']:.1f} s, write {timings['write']:.1f} s, "
        f"vacuum {timings.get('vacuum', 0):.1f} s)"
    )
    return {
        "units": len(unit_rows),
        "cadres": len(cadre_rows),
        "appointments": len(appointment_rows),
        "timings": timings,
        **users,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", help="default: $DATABASE_URL or dandang_bench on local PostgreSQL"
    )
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--cadres", type=int, default=100_000)
    parser.add_argument("--appointments", type=int, default=150_000)
    parser.add_argument(
        "--force", action="store_true", help="wipe units, cadres, appointments and users first"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    url = args.database_url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    ensure_database(url)
    setup_django(url)
    from django.core.management import call_command

    step = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"migrate: {time.perf_counter() - step:.1f} s")
    try:
        load(units=args.units, cadres=args.cadres, appointments=args.appointments, force=args.force)
    except DataExists as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    print(f"total: {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
