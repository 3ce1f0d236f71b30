"""Jobs that run once: the attempt fence, the heartbeat, the sweeper, the dedupe key, cancel,
the result file, and progress seen from another connection while a job runs."""

import datetime as dt
import threading

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core import jobs
from core.models import Job, JobStopped, Role
from tests.concurrency import at_once
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db  # the transactional tests carry their own mark

runs: list[tuple[int, int]] = []  # (job id, attempt) of every run of this module's handlers
gates: dict[int, dict[str, threading.Event]] = {}  # job id -> events a blocking handler waits on


@pytest.fixture(autouse=True)
def _fresh():
    runs.clear()
    gates.clear()


def _stale(settings) -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.DANDANG["JOB_STALE_AFTER_SECONDS"] + 5)


@jobs.job_handler("test_overtaken")
def _overtaken(job, progress):
    """Attempt 1 loses its lease mid-run (its heartbeat goes stale and the redelivery takes the
    job over and finishes it), then carries on as a slow run would."""
    runs.append((job.pk, job.attempt))
    if job.attempt == 1:
        Job.objects.filter(pk=job.pk).update(heartbeat_at=job.params["stale"])
        jobs.job_run(job_id=job.pk)
        if job.params.get("then") == "progress":
            progress(0.9)
            runs.append((job.pk, -1))  # never reached: progress stops a run that lost its lease
        if job.params.get("then") == "file":
            job.attach_file("first.txt", b"from attempt 1")
        return {"attempt": 1}
    job.attach_file("second.txt", b"from attempt 2")
    return {"attempt": 2}


@jobs.job_handler("test_blocking")
def _blocking(job, progress):
    """Reports 30 %, then waits until the test lets it go, then reports again and finishes."""
    runs.append((job.pk, job.attempt))
    gate = gates[job.pk]
    progress(0.3)
    gate["reported"].set()
    assert gate["go"].wait(timeout=30), "the test never released the handler"
    job.heartbeat()
    return {"attempt": job.attempt}


@jobs.job_handler("test_self_cancel")
def _self_cancel(job, progress):
    runs.append((job.pk, job.attempt))
    jobs.job_cancel(job=Job.objects.get(pk=job.pk), actor=None)  # as if from a request meanwhile
    job.heartbeat()
    runs.append((job.pk, -1))  # never reached
    return {"finished": True}


@jobs.job_handler("test_export")
def _export(job, progress):
    job.attach_file("名单.csv", "姓名,单位\n张三,历下区\n".encode())
    return {"rows": 1}


@jobs.job_handler("test_slow_sql")
def _slow_sql(job, progress):
    raise SoftTimeLimitExceeded()


def _start(**kwargs) -> Job:
    kwargs.setdefault("actor", None)
    return jobs.job_start(**kwargs)


# --- The fence ---------------------------------------------------------------------------------


def test_a_stale_run_that_finishes_after_a_takeover_changes_nothing(
    django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=False):
        job = _start(kind="test_overtaken", params={"stale": _stale(settings).isoformat()})
    jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert runs == [(job.pk, 1), (job.pk, 2)]
    assert (job.state, job.attempt, job.result) == (Job.State.DONE, 2, {"attempt": 2})
    assert job.file.read() == b"from attempt 2"


def test_a_run_that_lost_its_lease_stops_at_its_next_progress_call(
    django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=False):
        job = _start(
            kind="test_overtaken",
            params={"stale": _stale(settings).isoformat(), "then": "progress"},
        )
    jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert runs == [(job.pk, 1), (job.pk, 2)]  # no -1: attempt 1 stopped at progress()
    assert (job.state, job.result, job.progress) == (Job.State.DONE, {"attempt": 2}, 1.0)


def test_a_run_that_lost_its_lease_cannot_attach_its_file(
    django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=False):
        job = _start(
            kind="test_overtaken", params={"stale": _stale(settings).isoformat(), "then": "file"}
        )
    jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.file.read() == b"from attempt 2"
    storage = job.file.storage
    _dirs, files = storage.listdir(job.file.name.rsplit("/", 1)[0])
    assert not [name for name in files if name.startswith("first")]  # refused and removed again


def test_a_write_from_an_unclaimed_instance_is_refused(db):
    job = Job.objects.create(kind="test_export", state=Job.State.RUNNING, attempt=1)
    with pytest.raises(JobStopped):
        job.heartbeat()


def test_heartbeat_refreshes_the_lease_and_progress_does_too(django_capture_on_commit_callbacks):
    gate = {"reported": threading.Event(), "go": threading.Event()}
    with django_capture_on_commit_callbacks(execute=False):
        job = _start(kind="test_blocking")
    gates[job.pk] = gate
    gate["go"].set()
    before = timezone.now()
    jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.heartbeat_at >= before
    assert (job.state, job.result) == (Job.State.DONE, {"attempt": 1})


def test_a_handler_stopped_by_the_soft_time_limit_fails_with_a_readable_message(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(kind="test_slow_sql")
    job.refresh_from_db()
    assert (job.state, job.result) == (Job.State.FAILED, {"error": "任务超过运行时限，已停止。"})


# --- Another connection, a redelivery, a dead worker (real threads, real commits) -------------


def _run_in_thread(job_id: int) -> threading.Thread:
    def target():
        try:
            jobs.job_run(job_id=job_id)
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    return thread


def _blocking_job() -> tuple[Job, dict[str, threading.Event]]:
    # Created directly, as a job the broker has: the test plays the worker deliveries itself.
    job = Job.objects.create(kind="test_blocking", enqueued_at=timezone.now())
    gate = gates[job.pk] = {"reported": threading.Event(), "go": threading.Event()}
    return job, gate


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_from_another_connection_while_the_job_runs():
    job, gate = _blocking_job()
    worker = _run_in_thread(job.pk)
    try:
        assert gate["reported"].wait(timeout=30)
        # This thread's connection, not the worker's: the row as the page and the API read it.
        seen = Job.objects.values_list("state", "progress").get(pk=job.pk)
        assert seen == (Job.State.RUNNING, 0.3)
    finally:
        gate["go"].set()
        worker.join(timeout=30)
    job.refresh_from_db()
    assert (job.state, job.progress) == (Job.State.DONE, 1.0)


@pytest.mark.django_db(transaction=True)
def test_a_redelivery_while_the_first_run_is_alive_is_a_no_op():
    job, gate = _blocking_job()
    worker = _run_in_thread(job.pk)
    try:
        assert gate["reported"].wait(timeout=30)
        assert jobs.job_run(job_id=job.pk) is None  # the heartbeat is fresh
        assert jobs.job_sweep()["requeued"] == 0
    finally:
        gate["go"].set()
        worker.join(timeout=30)
    job.refresh_from_db()
    assert runs == [(job.pk, 1)]
    assert (job.state, job.attempt, job.result) == (Job.State.DONE, 1, {"attempt": 1})


@pytest.mark.django_db(transaction=True)
def test_after_the_first_run_died_the_redelivery_takes_over_and_the_old_run_is_refused(settings):
    job, gate = _blocking_job()
    worker = _run_in_thread(job.pk)
    try:
        assert gate["reported"].wait(timeout=30)
        # The worker is "dead": no heartbeat for longer than the window.
        Job.objects.filter(pk=job.pk).update(heartbeat_at=_stale(settings))
        gates[job.pk] = {"reported": threading.Event(), "go": threading.Event()}
        gates[job.pk]["go"].set()
        taken = jobs.job_run(job_id=job.pk)
        assert taken is not None and taken.attempt == 2
    finally:
        gate["go"].set()  # the old run wakes up and tries to write
        worker.join(timeout=30)
    job.refresh_from_db()
    assert runs == [(job.pk, 1), (job.pk, 2)]
    assert (job.state, job.attempt, job.result) == (Job.State.DONE, 2, {"attempt": 2})


@pytest.mark.django_db(transaction=True)
def test_the_sweeper_requeues_a_job_whose_worker_died_and_it_runs_once_more(settings):
    job, gate = _blocking_job()
    worker = _run_in_thread(job.pk)
    try:
        assert gate["reported"].wait(timeout=30)
        Job.objects.filter(pk=job.pk).update(heartbeat_at=_stale(settings))
        gates[job.pk] = {"reported": threading.Event(), "go": threading.Event()}
        gates[job.pk]["go"].set()
        # Eager here: the relayed task runs inside the sweep.
        assert jobs.job_sweep() == {"requeued": 1, "failed": 0, "relayed": 1, "pending": 1}
    finally:
        gate["go"].set()
        worker.join(timeout=30)
    job.refresh_from_db()
    assert (job.state, job.attempt, job.result) == (Job.State.DONE, 2, {"attempt": 2})
    assert jobs.job_sweep() == {"requeued": 0, "failed": 0, "relayed": 0, "pending": 0}
    assert runs == [(job.pk, 1), (job.pk, 2)]


# --- The sweeper ---------------------------------------------------------------------------------


def test_the_sweeper_fails_a_job_that_lost_its_worker_too_often(db, settings):
    settings.DANDANG = {**settings.DANDANG, "JOB_MAX_ATTEMPTS": 3}
    job = Job.objects.create(
        kind="test_export",
        state=Job.State.RUNNING,
        attempt=3,
        heartbeat_at=_stale(settings),
        enqueued_at=timezone.now(),
    )
    assert jobs.job_sweep()["failed"] == 1
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.result == {"error": "任务多次中断（工作进程退出或超时），已停止。"}


def test_the_sweeper_relays_only_queued_jobs_the_broker_never_accepted(db):
    old = timezone.now() - dt.timedelta(seconds=jobs.RELAY_AFTER_SECONDS + 5)
    lost = Job.objects.create(kind="test_export")
    sent = Job.objects.create(kind="test_export", enqueued_at=old)
    just_started = Job.objects.create(
        kind="test_export"
    )  # its own on-commit send may still be under way
    Job.objects.filter(pk__in=[lost.pk, sent.pk]).update(created_at=old)
    assert jobs.job_sweep() == {"requeued": 0, "failed": 0, "relayed": 1, "pending": 1}
    states = dict(Job.objects.values_list("pk", "state"))
    assert states == {
        lost.pk: Job.State.DONE,
        sent.pk: Job.State.QUEUED,
        just_started.pk: Job.State.QUEUED,
    }


@pytest.mark.django_db(transaction=True)  # the scheduler closes the connection it finds
def test_beat_runs_the_sweeper_through_the_database_scheduler(settings):
    """`make beat` and the compose beat service use django-celery-beat's DatabaseScheduler,
    which copies CELERY_BEAT_SCHEDULE into its tables when it starts."""
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    from config.celery import app

    assert app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    DatabaseScheduler(app=app)
    entry = PeriodicTask.objects.get(name="core.sweep_jobs")
    assert entry.task == "core.tasks.sweep_jobs" and entry.task in app.tasks
    assert entry.enabled
    assert entry.interval.every == settings.JOB_SWEEP_INTERVAL_SECONDS
    assert entry.interval.period == "seconds"


# --- The dedupe key ------------------------------------------------------------------------------


def test_starting_a_duplicate_returns_the_active_job_and_queues_nothing(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as sends:
        first = _start(kind="test_export", dedupe_key="ledger:370100:2026")
        again = _start(kind="test_export", dedupe_key="ledger:370100:2026")
        other = _start(kind="test_export", dedupe_key="ledger:370100:2025")
    assert (first.reused, again.reused, other.reused) == (False, True, False)
    assert again.pk == first.pk != other.pk
    assert len(sends) == 2
    jobs.job_run(job_id=first.pk)
    with django_capture_on_commit_callbacks(execute=False):
        after = _start(kind="test_export", dedupe_key="ledger:370100:2026")
    assert (after.reused, after.pk != first.pk) == (False, True)  # finished jobs do not block


def test_the_database_holds_one_active_job_per_dedupe_key(db):
    Job.objects.create(kind="test_export", dedupe_key="k")
    Job.objects.create(kind="test_export", dedupe_key="k", state=Job.State.DONE)
    Job.objects.create(kind="test_export", dedupe_key=None)
    Job.objects.create(kind="test_export", dedupe_key=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(kind="test_export", dedupe_key="k", state=Job.State.RUNNING)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_starts_with_one_key_make_one_job():
    got = at_once(*[lambda: jobs.job_start(kind="test_export", actor=None,
                                           dedupe_key="tally:1:2026")] * 2)
    assert len(got) == 2
    assert got[0].pk == got[1].pk
    assert Job.objects.filter(dedupe_key="tally:1:2026").count() == 1


# --- Cancel -----------------------------------------------------------------------------------


def test_a_running_handler_stops_at_its_next_heartbeat_once_cancelled(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False):
        job = _start(kind="test_self_cancel")
    jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert runs == [(job.pk, 1)]
    assert (job.state, job.result) == (Job.State.CANCELLED, None)
    assert job.finished_at is not None


def test_cancel_api_cancels_a_queued_job_which_then_never_runs(
    django_capture_on_commit_callbacks, as_user, staff_user, admin_user, tree
):
    with django_capture_on_commit_callbacks(execute=False):
        job = _start(kind="test_export", actor=staff_user)
    other_staff = UserFactory(roles=[Role.STAFF], units=[tree["other"]])
    assert as_user(other_staff).post(f"/api/v1/jobs/{job.pk}/cancel/").status_code == 404

    response = as_user(staff_user).post(f"/api/v1/jobs/{job.pk}/cancel/")
    assert response.status_code == 200
    assert response.json()["state"] == "cancelled"
    assert jobs.job_run(job_id=job.pk) is None

    response = as_user(admin_user).post(f"/api/v1/jobs/{job.pk}/cancel/")
    assert response.status_code == 409
    assert response.json()["state"] == "cancelled"
    assert "无法取消" in response.json()["detail"]


def test_cancelling_a_finished_job_is_409_with_its_state(
    django_capture_on_commit_callbacks, as_user, admin_user
):
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(kind="test_export", actor=admin_user)
    response = as_user(admin_user).post(f"/api/v1/jobs/{job.pk}/cancel/")
    assert (response.status_code, response.json()["state"]) == (409, "done")
    job.refresh_from_db()
    assert job.state == Job.State.DONE


def test_the_job_page_offers_cancel_while_the_job_is_active(
    client, django_capture_on_commit_callbacks, staff_user
):
    with django_capture_on_commit_callbacks(execute=False):
        job = _start(kind="test_export", actor=staff_user)
    client.force_login(staff_user)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert f'action="/jobs/{job.pk}/cancel/"' in page
    response = client.post(f"/jobs/{job.pk}/cancel/", follow=True)
    page = response.content.decode()
    assert "任务已取消。" in page and "已取消" in page
    assert "/cancel/" not in page
    assert (
        client.post(f"/jobs/{job.pk}/cancel/", follow=True).status_code == 200
    )  # a message, not a 500
    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED


# --- The result file -----------------------------------------------------------------------------


def test_a_result_file_is_downloadable_by_whoever_may_see_the_job_only(
    client, django_capture_on_commit_callbacks, as_user, staff_user, admin_user, tree
):
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(kind="test_export", actor=staff_user)
    body = as_user(staff_user).get(f"/api/v1/jobs/{job.pk}/").json()
    assert body["file"] == f"http://testserver/api/v1/jobs/{job.pk}/file/"
    response = as_user(staff_user).get(body["file"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == "姓名,单位\n张三,历下区\n"
    assert as_user(admin_user).get(body["file"]).status_code == 200

    other_staff = UserFactory(roles=[Role.STAFF], units=[tree["other"]])
    assert as_user(other_staff).get(body["file"]).status_code == 404

    client.force_login(staff_user)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert f'href="/jobs/{job.pk}/file/"' in page
    assert client.get(f"/jobs/{job.pk}/file/").status_code == 200
    client.force_login(other_staff)
    assert client.get(f"/jobs/{job.pk}/file/").status_code == 404


def test_a_job_without_a_file_answers_null_and_404(
    django_capture_on_commit_callbacks, as_user, admin_user, client
):
    with django_capture_on_commit_callbacks(execute=False):
        job = _start(kind="test_export", actor=admin_user)
    assert as_user(admin_user).get(f"/api/v1/jobs/{job.pk}/").json()["file"] is None
    assert as_user(admin_user).get(f"/api/v1/jobs/{job.pk}/file/").status_code == 404
    client.force_login(admin_user)
    assert client.get(f"/jobs/{job.pk}/file/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_sweeper_passes_over_a_job_whose_row_a_live_transaction_holds(settings):
    """A stale job whose row is locked (its run is inside a transaction: a tally's swap, or a
    worker stopped mid-swap) does not hold up the sweep of the others; it is swept once free."""
    held = Job.objects.create(kind="test_export", state=Job.State.RUNNING, attempt=1,
                              heartbeat_at=_stale(settings), enqueued_at=timezone.now())
    dead = Job.objects.create(kind="test_export", state=Job.State.RUNNING, attempt=1,
                              heartbeat_at=_stale(settings), enqueued_at=timezone.now())
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                Job.objects.select_for_update().get(pk=held.pk)
                locked.set()
                assert release.wait(timeout=60)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        with connection.cursor() as cursor:  # a wait would fail the test, not hang it
            cursor.execute("SET lock_timeout = '10s'")
        try:
            swept = jobs.job_sweep()
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
        assert (swept["requeued"], swept["failed"]) == (1, 0)
        assert Job.objects.get(pk=dead.pk).state == Job.State.DONE  # relayed, run eagerly
        assert Job.objects.get(pk=held.pk).state == Job.State.RUNNING
    finally:
        release.set()
        holder.join(timeout=30)
    assert jobs.job_sweep()["requeued"] == 1
    assert Job.objects.get(pk=held.pk).state == Job.State.DONE
