"""End to end on a real Celery worker with Redis (not eager): a grade saved through the
assessments service queues the incremental tally on commit, and the worker fills the ledger;
POST ledger/recompute/ answers 202 and the worker finishes the job."""

import threading
from contextlib import contextmanager

import pytest
from celery.signals import task_postrun

from assessments.selectors.annual import AnnualRow
from assessments.services.annual import annual_save
from core.models import Job
from core.tasks import run_job
from incentives.models import LedgerRow
from tests.factories import CadreFactory


@contextmanager
def worker_runs():
    done: list[int] = []
    changed = threading.Condition()

    def on_postrun(sender=None, args=None, **kwargs):
        if sender is not None and sender.name == run_job.name:
            with changed:
                done.extend(args or ())
                changed.notify_all()

    def wait(job_id: int) -> bool:
        with changed:
            return changed.wait_for(lambda: job_id in done, timeout=60)

    task_postrun.connect(on_postrun, weak=False)
    try:
        yield wait
    finally:
        task_postrun.disconnect(on_postrun)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_tallies_the_ledger(live_celery_worker, tree, staff_user, admin_user, as_user):
    assert live_celery_worker.conf.task_always_eager is False
    cadre = CadreFactory(unit=tree["street"])
    with worker_runs() as wait:
        annual_save(actor=staff_user,
                    rows=[AnnualRow(cadre=cadre, year=2024, grade="basically_competent")])
        job = Job.objects.get(kind="incentives.tally")
        assert job.params == {"cadre_ids": [cadre.pk], "year": None}
        assert wait(job.pk), "the worker did not run the tally within 60 s"
    job.refresh_from_db()
    assert (job.state, job.progress) == (Job.State.DONE, 1.0), job.result
    assert assert_thread_was_not_ours(job)
    row = LedgerRow.objects.get(cadre=cadre, year=2024)
    assert (row.net, row.entries[0]["code"]) == (-5, "basically_competent_admonishment")

    with worker_runs() as wait:
        response = as_user(admin_user).post("/api/v1/ledger/recompute/", {}, format="json")
        assert response.status_code == 202
        assert wait(response.json()["job"])
    full = Job.objects.get(pk=response.json()["job"])
    assert full.state == Job.State.DONE and full.result["rows"] == 1


def assert_thread_was_not_ours(job) -> bool:
    return job.started_at is not None and job.attempt == 1
