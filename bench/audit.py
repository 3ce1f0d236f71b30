"""The audit trail's write speed on PostgreSQL (issue 6): entries/s one at a time and
batched, against two floors (the same rows by a raw psycopg2 INSERT, and by a raw COPY, no
chain, no hashing), and how long one ordinary edit waits while another connection writes a
50,000-entry batch.

    .venv/bin/python bench/audit.py --database-url postgres://postgres@127.0.0.1:5432/dandang_audit_bench

The bench database is migrated first; every run adds its entries to the chain there."""

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ensure_database, print_table, setup_django, summary  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dandang_audit_bench"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--single", type=int, default=1000, help="entries written one at a time")
    parser.add_argument("--batch", type=int, default=50_000, help="entries in the batch")
    parser.add_argument("--edits", type=int, default=20, help="edits timed while idle")
    parser.add_argument("--chunk", type=int, help="entries chained per transaction (CHAIN_CHUNK)")
    parser.add_argument(
        "--writer",
        choices=["process", "thread"],
        default="process",
        help="where the concurrent batch runs: another process (as a Celery worker beside a "
        "web worker) or a thread of this one (sharing the GIL with the edits)",
    )
    parser.add_argument("--write-only", type=int, help=argparse.SUPPRESS)  # the writer process
    args = parser.parse_args(argv)
    ensure_database(args.database_url)
    setup_django(args.database_url)

    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from cadres.models import Unit
    from core.audit import AuditItem, audit_record, audit_record_many, chain_report
    from core.models import AuditEntry, User

    if args.chunk:
        import core.audit

        core.audit.CHAIN_CHUNK = args.chunk

    unit = Unit.objects.filter(code="BENCH-AUDIT").first() or Unit.objects.create(
        name="审计基准单位", code="BENCH-AUDIT", kind="party_committee"
    )
    actor, _ = User.objects.get_or_create(username="bench_audit", defaults={"roles": ["admin"]})
    if args.write_only:
        print("started", flush=True)
        audit_record_many(
            actor=actor,
            items=[AuditItem(unit, "update", {"w": [i, i + 1]}) for i in range(args.write_only)],
        )
        return

    def items(n, tag):
        return [
            AuditItem(unit, "update", {"name": [f"{tag}{i}", f"{tag}{i + 1}"]}) for i in range(n)
        ]

    rows = []

    # One at a time: each entry in its own transaction, as a request writes it.
    start = time.perf_counter()
    for i in range(args.single):
        audit_record(obj=unit, actor=actor, action="update", changes={"n": [i, i + 1]})
    single = args.single / (time.perf_counter() - start)

    # Batched: one audit_record_many in one transaction, chained after commit.
    batch = items(args.batch, "b")
    start = time.perf_counter()
    with transaction.atomic():
        audit_record_many(actor=actor, items=batch)
        written = time.perf_counter()
    end = time.perf_counter()  # committed, and chained by the commit callback
    batched = args.batch / (end - start)
    split = f"insert {written - start:.2f} s, commit and chaining {end - written:.2f} s"

    # The floors: the same rows by a raw psycopg2 INSERT (execute_values), and by a raw
    # COPY, no chain.
    floor = _floor(connection, batch, actor)
    copy_floor = _copy_floor(connection, batch, actor)

    def ratios(rate):
        return f"{rate / floor:.2f}", f"{rate / copy_floor:.2f}"

    rows.append(("one at a time (own transaction each)", f"{single:,.0f}", *ratios(single)))
    rows.append((f"batched ({args.batch:,} in one transaction)", f"{batched:,.0f}",
                 *ratios(batched)))  # fmt: skip
    rows.append(("floor: raw INSERT of the same rows", f"{floor:,.0f}", *ratios(floor)))
    rows.append(("floor: raw COPY of the same rows", f"{copy_floor:,.0f}", *ratios(copy_floor)))

    # One edit (its own transaction, as a browser edit) while another connection writes
    # the batch: the edit's time from start to chained-or-handed-over.
    waits = []
    started, done = threading.Event(), threading.Event()
    errors = []

    def writer():
        try:
            started.set()
            audit_record_many(actor=actor, items=items(args.batch, "w"))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            done.set()
            connection.close()

    baseline = []
    for i in range(args.edits):
        t0 = time.perf_counter()
        with transaction.atomic():
            audit_record(obj=unit, actor=actor, action="update", changes={"edit": [i, i + 1]})
        baseline.append((time.perf_counter() - t0) * 1000)

    if args.writer == "thread":
        thread = threading.Thread(target=writer)
        thread.start()
        started.wait()
        running = lambda: not done.is_set()  # noqa: E731
    else:
        command = [sys.executable, __file__, "--database-url", args.database_url,
                   "--write-only", str(args.batch)]  # fmt: skip
        if args.chunk:
            command += ["--chunk", str(args.chunk)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        process.stdout.readline()  # Django is set up: the batch starts now
        running = lambda: process.poll() is None  # noqa: E731
    while running():
        t0 = time.perf_counter()
        with transaction.atomic():
            audit_record(obj=unit, actor=actor, action="update", changes={"edit": [0, 1]})
        waits.append((time.perf_counter() - t0) * 1000)
    if args.writer == "thread":
        thread.join()
    elif process.returncode:
        errors.append(f"exit status {process.returncode}")
    if errors:
        raise SystemExit(f"batch writer failed: {errors[0]!r}")

    print(
        f"\nAudit writes, PostgreSQL {connection.pg_version // 10000}, "
        f"{AuditEntry.objects.count():,} entries in the chain"
    )
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print_table(("write", "entries/s", "ratio to INSERT floor", "ratio to COPY floor"), rows)
    from core.audit import CHAIN_CHUNK

    print(f"batch: {split}; chained {CHAIN_CHUNK:,} entries a transaction")
    median, p95 = summary(baseline)
    during_median, during_p95 = summary(waits)
    print(
        f"\nOne edit (audit_record in its own transaction), ms; {len(waits)} edits during the batch"
        f" (written by another {args.writer})"
    )
    print_table(
        ("when", "median ms", "p95 ms", "max ms"),
        [
            ("idle", f"{median:.1f}", f"{p95:.1f}", f"{max(baseline):.1f}"),
            (
                f"during a {args.batch:,}-entry batch",
                f"{during_median:.1f}",
                f"{during_p95:.1f}",
                f"{max(waits):.1f}",
            ),
        ],
    )
    start = time.perf_counter()
    report = chain_report()
    print(
        f"\nchain: {'intact' if report.ok else 'BROKEN'}, {report.checked:,} entries, "
        f"head #{report.end_seq} {report.end_hash}; walked in {time.perf_counter() - start:.1f} s"
    )


def _floor(connection, batch, actor) -> float:
    """entries/s for a plain INSERT of the same rows through psycopg2.extras.execute_values,
    in one transaction: what writing the rows costs with no ORM and no chain."""
    import json

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from psycopg2.extras import execute_values

    ct = ContentType.objects.get_for_model(batch[0].obj.__class__)
    now = timezone.now()
    obj = batch[0].obj
    start = time.perf_counter()
    values = [
        (ct.pk, f"{ct.app_label}.{ct.model}", obj.pk, str(obj)[:200], actor.pk, actor.username,
         now, "bench_floor", json.dumps(item.changes), 2, "0" * 64)
        for item in batch
    ]  # fmt: skip
    raw = connection.connection
    with raw.cursor() as cursor:
        execute_values(
            cursor,
            "INSERT INTO core_auditentry (content_type_id, object_type, object_id, object_repr, "
            "actor_id, actor_username, at, action, changes, hash_version, digest) "
            "VALUES %s RETURNING id",
            values,
            page_size=2000,
            fetch=True,
        )
    raw.commit()
    elapsed = time.perf_counter() - start
    _remove_floor_rows(raw)
    return len(batch) / elapsed


def _copy_floor(connection, batch, actor) -> float:
    """entries/s for a plain COPY of the same rows through psycopg2's copy_expert, in one
    transaction: the fastest way PostgreSQL takes rows, with no ORM, no hashing and no chain."""
    import io
    import json

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    ct = ContentType.objects.get_for_model(batch[0].obj.__class__)
    now = timezone.now().isoformat()
    obj = batch[0].obj
    start = time.perf_counter()
    head = (f"{ct.pk}\t{ct.app_label}.{ct.model}\t{obj.pk}\t{str(obj)[:200]}\t{actor.pk}\t"
            f"{actor.username}\t{now}\tbench_floor\t")  # fmt: skip
    data = io.StringIO(
        "".join(f"{head}{json.dumps(item.changes)}\t2\t{'0' * 64}\n" for item in batch)
    )
    raw = connection.connection
    with raw.cursor() as cursor:
        cursor.copy_expert(
            "COPY core_auditentry (content_type_id, object_type, object_id, object_repr, "
            "actor_id, actor_username, at, action, changes, hash_version, digest) FROM STDIN",
            data,
        )
    raw.commit()
    elapsed = time.perf_counter() - start
    _remove_floor_rows(raw)
    return len(batch) / elapsed


def _remove_floor_rows(raw) -> None:
    # Not part of the chain: remove them before anything chains them.
    with raw.cursor() as cursor:
        cursor.execute(
            "DELETE FROM core_auditentry e WHERE action = 'bench_floor' "
            "AND NOT EXISTS (SELECT 1 FROM core_auditlink l WHERE l.entry_id = e.id)"
        )
    raw.commit()


if __name__ == "__main__":
    main()
