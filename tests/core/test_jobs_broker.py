"""Redis down at enqueue: the change commits, the job waits in its row (the outbox), and the
sweeper beat runs relays it once Redis is back, where a real worker runs it exactly once.

The test starts and stops its own redis-server, so stopping it disturbs no one else."""

import os
import shutil
import socket
import subprocess
import threading
from contextlib import contextmanager

import pytest
from celery.signals import task_postrun
from django.db import transaction
from kombu import pools

from core import jobs
from core.models import Job
from core.tasks import run_job, sweep_jobs

CI = os.environ.get("CI", "").lower() == "true"

runs: list[int] = []  # thread ids of every run of "test_outbox"


@jobs.job_handler("test_outbox")
def _outbox(job, progress):
    runs.append(threading.get_ident())
    return {"runs": len(runs)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OwnRedis:
    """A throwaway redis-server on a port of its own, started and stopped by the test."""

    def __init__(self):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--loglevel",
                "notice",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        # Its log says when it listens: read it rather than sleeping and hoping.
        for line in self.process.stdout:
            if "Ready to accept connections" in line:
                break
        else:
            raise RuntimeError(f"redis-server on port {self.port} did not start")
        # Drain the rest of its log so it never blocks on a full pipe.
        threading.Thread(target=self.process.stdout.read, daemon=True).start()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


def _reset_producers(app, *, close: bool = False) -> None:
    """Drop the app's cached broker connections, so the next send uses the broker_url now set.
    With close, kombu's shared pools are closed and forgotten too (the throwaway Redis's
    connections go; the next user of any URL gets a fresh pool, not a closed one)."""
    if close:
        pools.reset()
    app._pool = None
    if "amqp" in app.__dict__:
        app.__dict__["amqp"]._producer_pool = None


@pytest.fixture
def own_redis():
    if shutil.which("redis-server") is None:
        if CI:
            pytest.fail("CI=true but redis-server is not installed; this test starts its own")
        pytest.skip("needs redis-server on PATH (the test starts and stops its own)")
    from config.celery import app

    redis = OwnRedis()
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=redis.url)
    _reset_producers(app)
    try:
        yield redis
    finally:
        redis.stop()
        app.conf.update(saved)
        _reset_producers(app, close=True)


@contextmanager
def finished_tasks():
    """Yields wait(name, args): blocks until the worker has finished that task with those args."""
    done: list[tuple[str, tuple]] = []
    changed = threading.Condition()

    def on_postrun(sender=None, args=None, **kwargs):
        if sender is not None:
            with changed:
                done.append((sender.name, tuple(args or ())))
                changed.notify_all()

    def wait(name: str, args: tuple = (), times: int = 1) -> bool:
        with changed:
            return changed.wait_for(lambda: done.count((name, args)) >= times, timeout=30)

    task_postrun.connect(on_postrun, weak=False)
    try:
        yield wait
    finally:
        task_postrun.disconnect(on_postrun)


@pytest.mark.django_db(transaction=True)
def test_a_job_started_while_redis_is_down_runs_once_when_it_is_back(own_redis, monkeypatch):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    runs.clear()
    monkeypatch.setattr(jobs, "RELAY_AFTER_SECONDS", 0)  # no need to wait out the grace period

    # Redis is down: the request's transaction commits, the send after commit fails and is logged.
    with transaction.atomic():
        job = jobs.job_start(kind="test_outbox", actor=None)
    job.refresh_from_db()
    assert (job.state, job.enqueued_at) == (Job.State.QUEUED, None)
    with pytest.raises(Exception):  # noqa: B017 - whatever kombu raises: the broker is down
        sweep_jobs.delay()  # beat cannot reach it either; the job waits in its row meanwhile
    assert runs == []

    own_redis.start()
    worker = start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30)
    with worker, finished_tasks() as finished:
        sweep_jobs.delay()  # what beat sends every JOB_SWEEP_INTERVAL_SECONDS
        assert finished(run_job.name, (job.pk,)), "the relayed job did not run within 30 s"
        # Another sweep and a stray redelivery change nothing. The solo worker takes messages
        # in order, so once the last sweep has run the redelivery has too.
        run_job.delay(job.pk)
        sweep_jobs.delay()
        assert finished(sweep_jobs.name, (), times=2)
        assert finished(run_job.name, (job.pk,), times=2)
    job.refresh_from_db()
    assert (job.state, job.result) == (Job.State.DONE, {"runs": 1})
    assert job.enqueued_at is not None
    assert len(runs) == 1 and runs[0] != threading.get_ident()  # by the worker, once
    assert jobs.job_sweep() == {"requeued": 0, "failed": 0, "relayed": 0, "pending": 0}


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_message_redis_lost_is_sent_again_and_runs_once(own_redis, settings):
    """Redis accepted the job's message, then restarted without it (no persistence here; in
    production a crash inside appendfsync's second, or a container without its volume). The
    job is queued with enqueued_at set: without a resend it would wait for ever, and its dedupe
    key would hand that dead job to every later start of its scope."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    runs.clear()
    own_redis.start()
    with transaction.atomic():
        job = jobs.job_start(kind="test_outbox", actor=None, dedupe_key="outbox:lost")
    job.refresh_from_db()
    assert job.enqueued_at is not None  # the broker had it

    own_redis.stop()  # and lost it
    own_redis.start()
    _reset_producers(app, close=True)
    assert jobs.job_start(kind="test_outbox", actor=None, dedupe_key="outbox:lost").pk == job.pk
    assert jobs.job_sweep()["pending"] == 0  # sent a moment ago: it may still be on its way

    settings.DANDANG = {**settings.DANDANG, "JOB_RESEND_AFTER_SECONDS": 0}
    worker = start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30)
    with worker, finished_tasks() as finished:
        sweep_jobs.delay()
        assert finished(run_job.name, (job.pk,)), "the resent job did not run within 30 s"
        sweep_jobs.delay()  # the job is done: nothing more is sent
        assert finished(sweep_jobs.name, (), times=2)
    job.refresh_from_db()
    assert (job.state, job.result) == (Job.State.DONE, {"runs": 1})
    assert len(runs) == 1


@pytest.mark.django_db(transaction=True)
def test_a_notification_made_while_redis_is_down_is_emailed_once_when_it_is_back(
    own_redis, mailoutbox, settings
):
    """The notification row is the mail's outbox: the change commits with Redis down, the
    email's task cannot be sent, and beat's relay sends it once Redis (and beat) are back."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from core.models import Notification, Role
    from core.notifications import notify
    from core.tasks import relay_notification_emails
    from tests.factories import UserFactory

    settings.NOTIFICATION_RELAY_AFTER_SECONDS = 0  # no need to wait out the task's turn
    people = [UserFactory(username=f"mail{i}", email=f"mail{i}@example.cn", roles=[Role.STAFF])
              for i in (1, 2)]
    with transaction.atomic():  # the request: its change and its notifications
        notify(kind="incentives.timely_approve", recipients=people, context={"reward": "x"})
    assert mailoutbox == []  # the send after commit failed, logged, and the commit stood
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 2

    own_redis.start()
    worker = start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30)
    with worker, finished_tasks() as finished:
        relay_notification_emails.delay()  # what beat sends every few minutes
        relay_notification_emails.delay()  # and again: nothing more leaves
        assert finished(relay_notification_emails.name, (), times=2)
    assert sorted(m.to for m in mailoutbox) == [["mail1@example.cn"], ["mail2@example.cn"]]
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
