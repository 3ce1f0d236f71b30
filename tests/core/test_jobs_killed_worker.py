"""A real `celery -A config worker` (prefork, one child) on a Redis of the test's own, and the
job kinds whose runs must survive what an operator's or the kernel's SIGKILL does: the worker's
child is killed in the middle of the job, the message Celery redelivers finds the job still
held (fresh heartbeat) and leaves it, the sweeper requeues it once the heartbeat is stale, and
the next attempt finishes it exactly once, with what an uninterrupted run leaves.

The test waits on conditions (rows it polls), never on time; the stale heartbeat is written by
the test (as if JOB_STALE_AFTER_SECONDS had passed) rather than waited for."""

import datetime as dt
import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from django.db import connection, connections
from django.db.models import Count

from config.celery import app
from core import jobs
from core.models import AuditEntry, Job, Role
from discipline.services import clarification_create
from notices.models import Notice, NoticePdf
from notices.services import notice_create
from notices.services.batch import batch_start
from tests.core.test_jobs_broker import CI, OwnRedis, _reset_producers
from tests.factories import CadreFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
ONE_SECOND = dt.timedelta(seconds=1)
# Integration tests with real processes: marked so `-m "not celery_worker"` can leave them out.
pytestmark = [pytest.mark.celery_worker,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _children(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += [int(x) for x in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return kids


def until(condition, what: str, timeout: float = 120):
    """Poll condition (each call a query or a /proc read) until it holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class Worker:
    """`celery -A config worker` in a process of its own, against the test database."""

    def __init__(self, redis_url: str, log: Path, settings):
        db = connection.settings_dict
        from urllib.parse import quote

        login = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        url = f"postgres://{login}@{host}/{db['NAME']}"
        env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url,
               "DJANGO_SETTINGS_MODULE": "config.settings.base", "DEBUG": "false",
               "MEDIA_ROOT": str(settings.MEDIA_ROOT), "PYTHONPATH": str(ROOT),
               "DANDANG_NOTICE_PREFIXES": os.environ.get("DANDANG_NOTICE_PREFIXES", ""),
               "LOG_LEVEL": "INFO"}
        celery = str(Path(sys.executable).with_name("celery"))
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [celery, "-A", "config", "worker", "--pool", "prefork", "--concurrency", "1",
             "-l", "info", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        until(lambda: self._alive() and _children(self.process.pid), "the child")

    def _alive(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError("the worker exited; its log: " + self.log.name)
        return True

    def kill_child(self) -> None:
        # The child of now: the pool replaces a child after CELERY_WORKER_MAX_* tasks or memory.
        [child] = _children(self.process.pid)
        os.kill(child, signal.SIGKILL)
        until(lambda: self._alive() and child not in _children(self.process.pid),
              "the killed child to go")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture
def worker(tmp_path, settings):
    if shutil.which("redis-server") is None or connection.vendor != "postgresql":
        if CI:
            pytest.fail("CI=true needs redis-server on PATH and PostgreSQL for this test")
        pytest.skip("needs redis-server on PATH and PostgreSQL (a worker in another process)")
    redis = OwnRedis()
    redis.start()
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=redis.url)
    _reset_producers(app)
    running = Worker(redis.url, tmp_path / "worker.log", settings)
    running.redis = redis
    try:
        yield running
    finally:
        running.stop()
        redis.stop()
        app.conf.update(saved)
        _reset_producers(app, close=True)


def _state(job) -> tuple:
    return Job.objects.values_list("state", "attempt").get(pk=job.pk)


def _die_and_recover(worker, job, settings) -> None:
    """The child is killed mid-job; the redelivery leaves the live-looking job; once its
    heartbeat is stale, the sweep (as beat sends it) requeues it and the worker finishes it."""
    worker.kill_child()
    # task_reject_on_worker_lost: the message goes back to Redis and a new child takes it,
    # now or after the sweep's; the job's heartbeat is fresh, so that claim is refused and
    # the job waits, attempt 1, for the sweeper.
    assert _state(job) == (Job.State.RUNNING, 1)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=jobs._stale_before() - ONE_SECOND)
    assert jobs.job_sweep()["requeued"] == 1
    until(lambda: _state(job)[0] not in Job.ACTIVE_STATES, "the requeued job to finish")


def _clarification_drafts(staff_user, tree, n):
    """n drafts of 澄清正名通报 (no disclosure period: publishable on any day the worker's
    clock says); returns their ids and the queryset of those published."""
    cadre = CadreFactory(unit=tree["street"])
    clarification = clarification_create(
        actor=staff_user, cadre=cadre, manner="written", report_summary="反映其违规发放补贴。",
        finding="经核查，反映问题不属实。")
    drafts = [notice_create(actor=staff_user, kind=Notice.Kind.CLARIFICATION,
                            issuing_unit=tree["district"], title=f"澄清正名通报{i}",
                            clarification=clarification) for i in range(n)]
    ids = [d.pk for d in drafts]
    return ids, Notice.objects.filter(pk__in=ids, state=Notice.State.PUBLISHED)


def test_a_batch_publication_killed_midway_finishes_once(worker, staff_user, tree, settings):

    ids, published = _clarification_drafts(staff_user, tree, 20)

    job = batch_start(actor=staff_user, ids=ids)  # autocommit: sent to the worker at once
    until(lambda: published.count() >= 2, "two notices published")
    assert published.count() < 20, "the batch finished before the kill: make it longer"
    _die_and_recover(worker, job, settings)

    job.refresh_from_db()
    assert (job.state, job.attempt) == (Job.State.DONE, 2), job.result
    assert job.result["published"] + job.result["skipped"] == 20 and job.result["failed"] == 0
    assert job.result["skipped"] >= 2  # what the killed attempt had published stays as it was
    numbers = sorted(published.values_list("sequence", flat=True))
    assert numbers == list(range(1, 21))  # each once, no gap
    audits = (AuditEntry.objects.filter(action="publish", object_id__in=[str(i) for i in ids])
              .values("object_id").annotate(n=Count("id")))
    assert sorted(a["n"] for a in audits) == [1] * 20
    assert NoticePdf.objects.filter(notice_id__in=ids).count() == 20
    with job.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    assert len(files) == 20
    for notice in published:
        assert hashlib.sha256(files[f"{notice.document_number}.pdf"]).hexdigest() == notice.sha256


def test_a_batch_publication_goes_on_while_redis_restarts(worker, staff_user, tree):
    """Redis goes away in the middle of a batch and comes back: the running job is not
    cancelled (CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS), it finishes once,
    attempt 1, and the worker takes the next job from the new Redis."""
    ids, published = _clarification_drafts(staff_user, tree, 12)
    job = batch_start(actor=staff_user, ids=ids)
    until(lambda: published.count() >= 2, "two notices published")
    worker.redis.stop()
    worker.redis.start()
    _reset_producers(app, close=True)
    until(lambda: _state(job)[0] not in Job.ACTIVE_STATES, "the batch to finish")
    job.refresh_from_db()
    assert (job.state, job.attempt, job.result["published"]) == (Job.State.DONE, 1, 12)
    assert sorted(published.values_list("sequence", flat=True)) == list(range(1, 13))
    after = jobs.job_start(kind="audit_verify", actor=UserFactory(roles=[Role.ADMIN]))
    until(lambda: _state(after)[0] == Job.State.DONE, "a job sent after the restart")


def test_a_tally_killed_midway_leaves_the_ledger_an_uninterrupted_tally_leaves(
        worker, staff_user, admin_user, tree, settings):
    from assessments.selectors.annual import AnnualRow
    from assessments.services.annual import annual_save
    from incentives.models import LedgerRow
    from incentives.services.ledger import _TALLY_LOCK_KEY, recompute_start, tally

    people = CadreFactory.create_batch(6, unit=tree["street"])
    grades = ["competent", "basically_competent", "competent", "basically_competent",
              "competent", "competent"]
    for year in (2023, 2024):
        annual_save(actor=staff_user, rows=[AnnualRow(cadre=c, year=year, grade=g)
                                            for c, g in zip(people, grades, strict=True)])
    # The grades' own incremental tallies went to the worker too: let them finish.
    until(lambda: not Job.objects.filter(state__in=Job.ACTIVE_STATES).exists(),
          "the incremental tallies")
    tally()  # uninterrupted, in this process
    expected = sorted(LedgerRow.objects.values_list("cadre_id", "year", "net", "entries"))
    assert expected
    LedgerRow.objects.all().delete()

    # The tally waits for the lock another tally holds (this connection), heartbeating:
    # killed there, it has staged nothing; released after the kill, the next attempt runs.
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_TALLY_LOCK_KEY])
        try:
            job = recompute_start(actor=admin_user)
            until(lambda: _state(job) == (Job.State.RUNNING, 1), "the tally to start")
            worker.kill_child()
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_TALLY_LOCK_KEY])
    # The killed child's connection is gone, and its session lock with it.
    until(lambda: not _holds_tally_lock(), "the killed tally's connection to close")
    Job.objects.filter(pk=job.pk).update(heartbeat_at=jobs._stale_before() - ONE_SECOND)
    assert jobs.job_sweep()["requeued"] == 1
    until(lambda: _state(job)[0] not in Job.ACTIVE_STATES, "the requeued tally to finish")

    job.refresh_from_db()
    assert (job.state, job.attempt) == (Job.State.DONE, 2), job.result
    assert sorted(LedgerRow.objects.values_list("cadre_id", "year", "net", "entries")) == expected
    assert AuditEntry.objects.filter(action="tally", object_id=str(job.pk)).count() == 1


def _holds_tally_lock() -> bool:
    from incentives.services.ledger import _TALLY_LOCK_KEY

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                       " AND objid = (%s::bigint & 4294967295)::oid", [_TALLY_LOCK_KEY])
        return cursor.fetchone()[0] > 0
