"""Batch publication through a real Celery worker: N drafts (default 1,000 one-page 澄清正名通报)
published by one "notices.publish_batch" job, as `make worker` runs it (prefork pool, one
child, the CELERY_WORKER_* settings). Reports notices per second, the worker child's peak
memory (VmHWM from /proc) and its resident memory as the run goes, and, in the same run, the
floor: WeasyPrint rendering the same notice's HTML directly, in this process.

    PYTHONPATH=. python bench/notices_batch.py [--notices 1000] [--floor-runs 30]

Needs PostgreSQL and Redis (REDIS_URL, default redis://127.0.0.1:6379/10: the broker). A bench
database of its own (default dandang_bench_notices), emptied of notices at each run."""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dandang_bench_notices"
DEFAULT_REDIS = "redis://127.0.0.1:6379/10"


def _proc_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += [int(x) for x in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return kids


def prepare(n: int):
    """A unit, a staff account, a cadre with one clarification, and n drafts naming it."""
    import datetime as dt

    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from cadres.models import Cadre
    from core.models import Job, Role, Unit, User
    from discipline.models import Clarification
    from notices.models import Notice, NoticePdf, NoticeSequence

    NoticePdf.objects.all().delete()
    Notice.subjects.through.objects.all().delete()
    Notice.objects.all().delete()
    NoticeSequence.objects.all().delete()
    Job.objects.filter(kind="notices.publish_batch").delete()
    unit = Unit.objects.filter(code="BN").first() or Unit.objects.create(
        name="某市", code="BN", kind=Unit.Kind.PARTY_COMMITTEE)
    user = User.objects.filter(username="bench_notices").first()
    if user is None:
        user = User.objects.create_user(username="bench_notices", password="bench-pass-2026",
                                        roles=[Role.STAFF], name="基准测试")
        user.units.set([unit])
    cadre = Cadre.objects.filter(unit=unit).first()
    if cadre is None:
        from cadres import idnumber

        cadre = Cadre.objects.create(
            unit=unit, name="謝允崗", gender="M", birth_date=dt.date(1982, 3, 14),
            id_number=idnumber.make("370112", dt.date(1982, 3, 14), 7, "M"),
            position_title="街道办事处主任")
    clarification = Clarification.objects.filter(cadre=cadre).first() or \
        Clarification.objects.create(
            cadre=cadre, report_summary="匿名举报其在征地拆迁补偿中优亲厚友。",
            finding="经核查，补偿标准和名单均经公示，举报内容不属实，予以澄清正名。",
            manner=Clarification.Manner.MEETING, clarified_on=dt.date(2026, 5, 20),
            created_by=user)
    Notice.objects.bulk_create([
        Notice(kind=Notice.Kind.CLARIFICATION, issuing_unit=unit, created_by=user,
               title=f"关于为干部澄清正名的通报（{i + 1}）", clarification=clarification)
        for i in range(n)])
    ids = list(Notice.objects.order_by("id").values_list("id", flat=True))
    return user, ids


def floor(runs: int) -> float:
    """Milliseconds per notice: WeasyPrint rendering a draft's HTML directly (median)."""
    import statistics

    from django.utils import timezone

    from notices.models import Notice
    from notices.services.content import build_content
    from notices.services.render import render_html, render_pdf

    notice = Notice.objects.order_by("id").first()
    html = render_html(build_content(notice, today=timezone.localdate()),
                       document_number="某组澄〔2026〕1号", issued_on=timezone.localdate(),
                       verification_code="ABCDEFGHJKMN")
    render_pdf(html)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render_pdf(html)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notices", type=int, default=1000)
    parser.add_argument("--floor-runs", type=int, default=30)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", DEFAULT_REDIS))
    args = parser.parse_args()

    os.environ["REDIS_URL"] = args.redis_url
    os.environ["DANDANG_NOTICE_PREFIXES"] = os.environ.get("DANDANG_NOTICE_PREFIXES", "")
    from bench.common import ensure_database, print_table, setup_django

    ensure_database(args.database_url)
    setup_django(args.database_url)
    from django.conf import settings
    from django.db import transaction

    from core.models import Job
    from notices.services.batch import batch_start

    user, ids = prepare(args.notices)
    floor_ms = floor(args.floor_runs)

    env = {**os.environ, "DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url,
           "DJANGO_SETTINGS_MODULE": "config.settings.base", "DEBUG": "false",
           "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING"}
    celery = str(Path(sys.executable).with_name("celery"))
    subprocess.run([celery, "-A", "config", "purge", "-f"], env=env, cwd=ROOT,
                   capture_output=True, check=False)
    worker_log = tempfile.TemporaryFile()
    worker = subprocess.Popen(
        [celery, "-A", "config", "worker", "--pool", "prefork", "--concurrency", "1",
         "-l", "warning", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        # stderr to a file, never a pipe: a pipe nobody reads fills at 64 KiB of log lines and
        # the worker then blocks in write(), holding its transaction open.
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=worker_log)
    try:
        time.sleep(3)  # the worker connects and forks its child
        with transaction.atomic():
            job = batch_start(actor=user, ids=ids)
        start = time.perf_counter()
        peak_kib, rss, samples, seen_progress = 0, 0, [], set()
        child_pids = set()
        while True:
            for kid in _children(worker.pid):
                child_pids.add(kid)
                peak_kib = max(peak_kib, _proc_kib(kid, "VmHWM"))
                rss = _proc_kib(kid, "VmRSS")
            state, progress = Job.objects.filter(pk=job.pk).values_list(
                "state", "progress").get()
            seen_progress.add(round(progress, 1))
            if state == Job.State.RUNNING and (not samples or time.perf_counter() - samples[-1][0]
                                               - start > 10):
                samples.append((time.perf_counter() - start, progress, rss))
            if state not in Job.ACTIVE_STATES:
                break
            if worker.poll() is not None:
                worker_log.seek(0)
                raise SystemExit("the worker exited: " + worker_log.read().decode()[-2000:])
            time.sleep(0.5)
        elapsed = time.perf_counter() - start
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    job.refresh_from_db()
    if job.state != Job.State.DONE:
        raise SystemExit(f"job {job.pk} {job.state}: {job.result}")
    per_notice_ms = elapsed * 1000 / len(ids)
    conf = {k: getattr(settings, k, None) for k in (
        "CELERY_WORKER_MAX_TASKS_PER_CHILD", "CELERY_WORKER_MAX_MEMORY_PER_CHILD")}
    print(f"{len(ids)} notices through a Celery worker (prefork, 1 child), {conf}")
    print_table(("", "value"), [
        ("published", job.result["published"]),
        ("zip entries", job.result["files"]),
        ("wall time (s)", f"{elapsed:.1f}"),
        ("notices per second", f"{len(ids) / elapsed:.2f}"),
        ("per notice (ms)", f"{per_notice_ms:.0f}"),
        ("floor: WeasyPrint alone (ms)", f"{floor_ms:.0f}"),
        ("ratio to the floor", f"{per_notice_ms / floor_ms:.2f}x"),
        ("worker child peak RSS (MiB)", f"{peak_kib / 1024:.0f}"),
        ("zip size (MiB)", f"{job.file.size / 1024 / 1024:.1f}"),
        ("progress values seen from this connection", len(seen_progress)),
    ])
    print_table(("seconds", "progress", "child RSS (MiB)"),
                [(f"{t:.0f}", f"{p:.2f}", f"{r / 1024:.0f}") for t, p, r in samples])


if __name__ == "__main__":
    main()
