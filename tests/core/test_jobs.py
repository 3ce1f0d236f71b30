"""Background jobs: the registry, the claim, progress, failure, the API and page, and a real
Celery worker on Redis (when REDIS_URL is set; always in CI)."""

import re
import threading
from contextlib import contextmanager

import pytest
from celery.signals import task_postrun
from django.core.exceptions import PermissionDenied, ValidationError

from core import jobs
from core.audit import audit_record
from core.models import AuditEntry, Job, Role
from core.tasks import run_job
from tests.factories import UserFactory

calls: list[tuple[int, int]] = []  # (job id, thread id) of every run of the "test_count" handler


@pytest.fixture(autouse=True)
def _fresh_calls():
    calls.clear()


@jobs.job_handler("test_count")
def _count(job, progress):
    calls.append((job.pk, threading.get_ident()))
    return {"runs": sum(1 for job_id, _ in calls if job_id == job.pk)}


@jobs.job_handler("test_progress")
def _progress(job, progress):
    progress(0.25)
    seen = Job.objects.values_list("progress", flat=True).get(pk=job.pk)
    for i in range(
        1000
    ):  # a handler may report per row; only the first call within a second is saved
        progress(i / 1000)
    return {"seen_while_running": seen}


@jobs.job_handler("test_invalid")
def _invalid(job, progress):
    progress(0.5)
    raise ValidationError("缺少考核年度。")


@jobs.job_handler("test_crash")
def _crash(job, progress):
    return 1 / 0


@jobs.job_handler("test_unserializable")
def _unserializable(job, progress):
    return {"ids": {1, 2}}


def _chain(unit, actor, n):
    return [
        audit_record(obj=unit, actor=actor, action="update", changes={"name": [str(i), str(i + 1)]})
        for i in range(n)
    ]


@pytest.fixture
def started(django_capture_on_commit_callbacks):
    """job_start as a request calls it, the queued task running when the transaction commits."""

    def start(**kwargs):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            job = jobs.job_start(**kwargs)
            assert (
                Job.objects.get(pk=job.pk).state == Job.State.QUEUED
            )  # nothing runs before commit
        assert len(callbacks) == 1
        job.refresh_from_db()
        return job

    return start


# --- In-process (eager) ------------------------------------------------------------------


def test_audit_verify_job_checks_the_chain_and_reports_it(started, admin_user, tree):
    _chain(tree["city"], admin_user, 3)
    job = started(kind="audit_verify", actor=admin_user, params={})
    assert (job.state, job.progress) == (Job.State.DONE, 1.0)
    assert {k: job.result[k] for k in ("checked", "ok", "broken_entry", "problems")} == {
        "checked": 3, "ok": True, "broken_entry": None, "problems": []}
    assert job.result["head"] == {"seq": 3, "hash": AuditEntry.objects.get(link__seq=3).hash}
    assert job.created_by == admin_user
    assert job.started_at <= job.finished_at


def test_audit_verify_job_names_the_first_tampered_entry(started, admin_user, tree):
    entries = _chain(tree["city"], admin_user, 3)
    AuditEntry.objects.filter(pk=entries[1].pk).update(action="delete")
    job = started(kind="audit_verify", actor=admin_user)
    assert job.state == Job.State.DONE
    assert (job.result["checked"], job.result["ok"], job.result["broken_entry"]) == (1, False, entries[1].pk)


def test_audit_verify_job_finds_the_newest_entries_deleted(started, admin_user, tree):
    from core.audit import chain_pending

    entries = _chain(tree["city"], admin_user, 3)
    chain_pending()  # as the commit does: the head now names the third entry
    AuditEntry.objects.filter(pk=entries[-1].pk).delete()
    job = started(kind="audit_verify", actor=admin_user)
    assert job.result["ok"] is False and job.result["broken_entry"] is None and job.result["problems"]


def test_audit_verify_reports_progress_per_chunk(admin_user, tree):
    _chain(tree["city"], admin_user, 5)
    reported = []
    from core.audit import verify_chain

    assert verify_chain(chunk_size=2, progress=reported.append) == (5, None)
    assert reported == [0.4, 0.8]


def test_progress_is_visible_while_running_and_saved_at_most_once_a_second(
    django_capture_on_commit_callbacks, django_assert_num_queries, admin_user
):
    with django_capture_on_commit_callbacks(execute=False):
        job = jobs.job_start(kind="test_progress", actor=admin_user)
    # claim (UPDATE and read in a savepoint), one progress save, the handler's read, the fenced
    # finish: 1,001 progress calls cost one.
    with django_assert_num_queries(7):
        jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.result == {"seen_while_running": 0.25}
    assert (job.state, job.progress) == (Job.State.DONE, 1.0)


def test_a_job_delivered_again_does_not_run_again(started, admin_user):
    job = started(kind="test_count", actor=admin_user)
    assert job.result == {"runs": 1}
    assert jobs.job_run(job_id=job.pk) is None
    run_job.delay(job.pk)
    assert [job_id for job_id, _ in calls] == [job.pk]
    job.refresh_from_db()
    assert (job.state, job.result) == (Job.State.DONE, {"runs": 1})


def test_a_redelivery_leaves_a_long_job_with_a_fresh_heartbeat_alone_and_takes_over_a_stale_one(
    admin_user, settings
):
    import datetime as dt

    from django.utils import timezone

    window = dt.timedelta(seconds=settings.DANDANG["JOB_STALE_AFTER_SECONDS"])
    long_ago = timezone.now() - 10 * window
    # Started long ago but reporting progress: alive, whatever started_at says.
    alive = Job.objects.create(
        kind="test_count",
        state=Job.State.RUNNING,
        created_by=admin_user,
        attempt=1,
        started_at=long_ago,
        heartbeat_at=timezone.now(),
    )
    assert jobs.job_run(job_id=alive.pk) is None
    alive.refresh_from_db()
    assert (alive.state, alive.attempt) == (Job.State.RUNNING, 1)
    lost = Job.objects.create(
        kind="test_count",
        state=Job.State.RUNNING,
        created_by=admin_user,
        attempt=1,
        started_at=long_ago,
        heartbeat_at=timezone.now() - window - dt.timedelta(seconds=5),
    )
    jobs.job_run(job_id=lost.pk)
    lost.refresh_from_db()
    assert (lost.state, lost.result, lost.attempt) == (Job.State.DONE, {"runs": 1}, 2)
    assert [job_id for job_id, _ in calls] == [lost.pk]


def test_running_a_job_that_does_not_exist_is_a_no_op(db):
    assert jobs.job_run(job_id=987654) is None


def test_a_queued_job_whose_kind_no_module_registers_fails_instead_of_hanging(admin_user):
    # e.g. a handler renamed while its jobs waited in the queue
    job = Job.objects.create(kind="renamed_since", created_by=admin_user)
    jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.result) == (
        Job.State.FAILED,
        {"error": "未知的任务类型：renamed_since。"},
    )


@pytest.mark.parametrize(
    "kind, message, progress",
    [
        ("test_invalid", "缺少考核年度。", 0.5),
        ("test_crash", "任务执行出错（ZeroDivisionError: division by zero）。", 0.0),
        ("test_unserializable", "任务执行出错（TypeError", 0.0),
    ],
)
def test_a_failing_handler_leaves_a_failed_job_with_a_readable_message(
    started, admin_user, kind, message, progress
):
    job = started(kind=kind, actor=admin_user)
    assert job.state == Job.State.FAILED
    assert job.result["error"].startswith(message)
    assert job.progress == progress  # the bar stays where the work stopped
    assert job.finished_at is not None


def test_an_unknown_kind_is_refused_and_nothing_is_queued(admin_user):
    with pytest.raises(ValidationError) as excinfo:
        jobs.job_start(kind="no_such_kind", actor=admin_user)
    assert "未知的任务类型：no_such_kind" in excinfo.value.message_dict["kind"][0]
    assert not Job.objects.exists()


def test_only_administrators_may_start_an_audit_check(staff_user):
    with pytest.raises(PermissionDenied):
        jobs.job_start(kind="audit_verify", actor=staff_user)
    assert not Job.objects.exists()


def test_a_kind_registered_twice_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        jobs.job_handler("audit_verify")(lambda job, progress: None)


# --- API and page --------------------------------------------------------------------------


def test_job_api_shows_state_progress_and_result_to_its_starter_and_admins_only(
    started, as_user, admin_user, staff_user, tree
):
    job = started(kind="test_count", actor=staff_user)
    other_staff = UserFactory(roles=[Role.STAFF], units=[tree["other"]])

    body = as_user(staff_user).get(f"/api/v1/jobs/{job.pk}/").json()
    assert body["id"] == job.pk
    assert (body["kind"], body["state"], body["progress"]) == ("test_count", "done", 1.0)
    assert body["result"] == {"runs": 1}
    assert as_user(admin_user).get(f"/api/v1/jobs/{job.pk}/").json()["state"] == "done"
    response = as_user(other_staff).get(f"/api/v1/jobs/{job.pk}/")
    assert response.status_code == 404
    assert "result" not in response.json()


def status_tag(page: str) -> str:
    """The opening tag of the block htmx refreshes (the layout polls other things of its own)."""
    return re.search(r'<div id="job-status"[^>]*>', page).group(0)


def test_job_page_polls_while_the_job_runs_and_stops_when_it_is_done(
    client, django_capture_on_commit_callbacks, admin_user, staff_user, tree
):
    _chain(tree["city"], admin_user, 2)
    with django_capture_on_commit_callbacks(execute=False):
        job = jobs.job_start(kind="audit_verify", actor=admin_user)
    client.force_login(admin_user)

    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "排队中" in page
    assert 'hx-trigger="every 2s"' in status_tag(page)
    assert 'http-equiv="refresh"' in page  # the same for a browser without JavaScript
    assert 'value="0"' in page

    jobs.job_run(job_id=job.pk)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "已完成" in page
    assert "hx-trigger" not in status_tag(page)
    assert 'http-equiv="refresh"' not in page
    assert 'value="100"' in page
    assert '<dt class="mono">checked</dt><dd>2</dd>' in page

    client.force_login(staff_user)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404


def test_job_page_shows_why_a_job_failed(client, started, admin_user):
    job = started(kind="test_invalid", actor=admin_user)
    client.force_login(admin_user)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "失败" in page
    assert "缺少考核年度。" in page
    assert 'value="50"' in page


# --- A real worker on Redis ---------------------------------------------------------------


@contextmanager
def worker_deliveries():
    """Yields wait(job_id, n): blocks until the worker has finished n deliveries of
    run_job(job_id). Listening starts before the job does, so a fast worker is not missed."""
    done: list[int] = []
    changed = threading.Condition()

    def on_postrun(sender=None, args=None, **kwargs):
        if sender is not None and sender.name == run_job.name:
            with changed:
                done.extend(args or ())
                changed.notify_all()

    def wait(job_id: int, n: int) -> bool:
        with changed:
            return changed.wait_for(lambda: done.count(job_id) >= n, timeout=30)

    task_postrun.connect(on_postrun, weak=False)
    try:
        yield wait
    finally:
        task_postrun.disconnect(on_postrun)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_an_audit_check_started_from_the_web_side(
    live_celery_worker, admin_user, tree
):
    assert live_celery_worker.conf.task_always_eager is False
    _chain(tree["city"], admin_user, 4)
    with worker_deliveries() as wait:
        job = jobs.job_start(kind="audit_verify", actor=admin_user)
        assert wait(job.pk, 1), "the worker did not run the job within 30 s"
    job.refresh_from_db()
    assert (job.state, job.progress) == (Job.State.DONE, 1.0)
    assert (job.result["checked"], job.result["ok"], job.result["broken_entry"]) == (4, True, None)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_job_once_when_its_task_is_delivered_three_times(
    live_celery_worker, admin_user
):
    with worker_deliveries() as wait:
        job = jobs.job_start(kind="test_count", actor=admin_user)
        run_job.delay(job.pk)
        run_job.delay(job.pk)
        assert wait(job.pk, 3), "the worker did not take all three deliveries within 30 s"
    assert len(calls) == 1
    job_id, thread_id = calls[0]
    assert job_id == job.pk
    assert thread_id != threading.get_ident()  # run by the worker, not eagerly in this thread
    job.refresh_from_db()
    assert (job.state, job.result) == (Job.State.DONE, {"runs": 1})
