"""A job is done exactly when its work commits (Job.complete inside the work's transaction): a
cancel arriving after the commit finds a finished job (409), never marks finished work 已取消.
For the core and for each handler that ends in one transaction: the tally's swap, the batch's
zip, the annual import. The cancel comes from another connection, as from another request."""

import contextlib
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from core import jobs
from core.errors import Conflict
from core.models import Job
from tests.concurrency import at_once
from tests.factories import CadreFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _cancel_elsewhere(job_id: int, actor=None):
    """job_cancel from another connection; what it raised (None: it cancelled)."""
    def cancel():
        try:
            jobs.job_cancel(job=Job.objects.get(pk=job_id), actor=actor)
        except Conflict as exc:
            return exc
        return None

    [raised] = at_once(cancel)
    return raised


@jobs.job_handler("test_completes")
def _completes(job, progress):
    with transaction.atomic():
        job.complete({"made": 1})
    # The work has committed; what a handler still does after it (a VACUUM, a clean-up) is
    # where a cancel used to land.
    job.params["cancel"] = _cancel_elsewhere(job.pk)
    progress(1.0)  # a no-op now, not a JobStopped
    return {"made": "ignored: complete() recorded the result"}


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr(jobs, "job_enqueue", lambda **kwargs: True)  # the tests run the jobs


def test_a_cancel_after_complete_finds_the_job_done():
    job = jobs.job_start(kind="test_completes", actor=None)
    ran = jobs.job_run(job_id=job.pk)
    assert isinstance(ran.params["cancel"], Conflict)
    job.refresh_from_db()
    assert (job.state, job.result, job.progress) == (Job.State.DONE, {"made": 1}, 1.0)


def test_complete_rolled_back_with_its_work_leaves_the_job_to_its_run():
    job = jobs.job_start(kind="test_completes", actor=None)
    claimed = jobs._claim(job.pk)
    with contextlib.suppress(RuntimeError), transaction.atomic():
        claimed.complete({"made": 1})
        raise RuntimeError("the work failed after complete()")
    job.refresh_from_db()
    assert job.state == Job.State.RUNNING and not claimed._completed
    claimed.heartbeat()  # still this run's job


def test_a_tally_cancelled_after_its_swap_is_done(tree, admin_user, monkeypatch):
    from incentives import jobs as incentive_jobs
    from incentives.models import LedgerRow
    from incentives.services.ledger import recompute_start
    from tests.incentives.ledger_helpers import grades

    for cadre in CadreFactory.create_batch(3, unit=tree["street"]):
        grades(cadre, admin_user, y2024="excellent")
    seen = {}
    monkeypatch.setattr(incentive_jobs, "_vacuum_ledger",  # the step after the swap
                        lambda: seen.setdefault("cancel", _cancel_elsewhere(job.pk)))
    job = recompute_start(actor=admin_user)
    jobs.job_run(job_id=job.pk)
    assert isinstance(seen["cancel"], Conflict)
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.result["rows"] == LedgerRow.objects.count() == 3


def test_a_batch_cancelled_after_its_zip_is_done(staff_user, tree, monkeypatch):
    from notices.services import batch
    from notices.services.batch import batch_start
    from tests.notices.helpers import at, pre_appointment

    monday = dt.date(2025, 6, 9)
    with at(monday):
        drafts = [pre_appointment(staff_user, tree["district"], CadreFactory(unit=tree["street"]),
                                  period_start=monday, title=f"任前公示{i}") for i in range(2)]
    seen = {}

    @contextlib.contextmanager
    def then_cancel():  # publish_batch's wrapper: its exit comes after the batch returned
        yield
        seen["cancel"] = _cancel_elsewhere(job.pk, staff_user)

    monkeypatch.setattr(batch, "_collecting", then_cancel)
    with at(monday):
        job = batch_start(actor=staff_user, ids=[d.pk for d in drafts])
        jobs.job_run(job_id=job.pk)
    assert isinstance(seen["cancel"], Conflict)
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.result["published"] == 2 and job.file


def test_an_import_cancelled_after_its_commit_is_done(tree, staff_user, monkeypatch):
    from assessments.models import AnnualAssessment, AnnualImport
    from assessments.services import annual_excel
    from assessments.services.annual_excel import import_start_job, import_upload
    from tests.assessments.test_annual_import import xlsx

    people = CadreFactory.create_batch(3, unit=tree["street"])
    sheet = xlsx([(c.id_number, c.name, 2025, "称职", "") for c in people])
    record, _data = import_upload(actor=staff_user, upload=SimpleUploadedFile("年度.xlsx", sheet))
    job = import_start_job(actor=staff_user, record=record)
    real = annual_excel.import_pending
    seen = {}

    def then_cancel(**kwargs):
        result = real(**kwargs)  # committed
        seen["cancel"] = _cancel_elsewhere(job.pk, staff_user)
        return result

    monkeypatch.setattr("assessments.jobs.import_pending", then_cancel)
    jobs.job_run(job_id=job.pk)
    assert isinstance(seen["cancel"], Conflict)
    job.refresh_from_db()
    record.refresh_from_db()
    assert (job.state, job.result) == (Job.State.DONE, {"created": 3, "updated": 0,
                                                        "unchanged": 0})
    assert record.state == AnnualImport.State.DONE and AnnualAssessment.objects.count() == 3
