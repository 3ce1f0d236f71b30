"""The annual-grade import as a background job, against the ways a job is interrupted: a cancel
or a takeover (the first worker presumed dead) while the import's transaction is open, and a
worker that died after the import committed but before the job was marked done. Each grade is
imported once, by one attempt, with one audit entry; a cancelled import saves nothing and keeps
no sheet. The cancel and the takeover come from other connections (threads), as in production."""

import datetime as dt
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from assessments.models import AnnualAssessment, AnnualImport
from assessments.services import annual_excel
from assessments.services.annual_excel import import_start_job, import_upload
from core import jobs
from core.models import AuditEntry, Job
from tests.factories import CadreFactory

from .test_annual_import import xlsx

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def started(tree, staff_user, monkeypatch):
    """A pending import of three grades handed to its job; this test plays the worker."""
    monkeypatch.setattr(jobs, "job_enqueue", lambda **kwargs: True)
    people = CadreFactory.create_batch(3, unit=tree["street"])
    sheet = xlsx([(c.id_number, c.name, 2025, "称职", "") for c in people])
    record, _data = import_upload(actor=staff_user, upload=SimpleUploadedFile("年度.xlsx", sheet))
    job = import_start_job(actor=staff_user, record=record)
    return job, record


def _meanwhile(monkeypatch, action):
    """Run action in another connection while the first attempt's import has read the sheet
    and resolved its rows (its transaction open, nothing saved yet)."""
    real_resolve = annual_excel._resolve
    calls = []

    def resolve_then_act(actor, sheet):
        resolved = real_resolve(actor, sheet)
        calls.append(1)
        if len(calls) == 1:
            def target():
                try:
                    action()
                finally:
                    connection.close()

            other = threading.Thread(target=target)
            other.start()
            other.join(timeout=60)
            assert not other.is_alive(), "the other connection waited on the first attempt"
        return resolved

    monkeypatch.setattr(annual_excel, "_resolve", resolve_then_act)


def test_an_import_cancelled_while_it_runs_saves_nothing_and_keeps_no_sheet(started, monkeypatch,
                                                                            staff_user):
    job, record = started
    _meanwhile(monkeypatch, lambda: jobs.job_cancel(job=Job.objects.get(pk=job.pk),
                                                    actor=staff_user))
    jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    record.refresh_from_db()
    assert (job.state, job.result) == (Job.State.CANCELLED, None)
    assert not AnnualAssessment.objects.exists()
    assert not AuditEntry.objects.filter(action="import").exists()
    assert record.state == AnnualImport.State.FAILED
    assert not record.file  # the sheet names cadres by whole ID number


def test_a_superseded_attempt_cannot_save_the_import_again(started, monkeypatch, settings):
    """Attempt 1 stalls past the heartbeat window; attempt 2 takes the job over and imports.
    When attempt 1 goes on, it saves nothing: the record and the audit trail are attempt 2's."""
    job, record = started
    stale = timezone.now() - dt.timedelta(seconds=settings.DANDANG["JOB_STALE_AFTER_SECONDS"] + 5)

    def take_over():
        Job.objects.filter(pk=job.pk).update(heartbeat_at=stale)
        assert jobs.job_run(job_id=job.pk).attempt == 2

    _meanwhile(monkeypatch, take_over)
    jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    record.refresh_from_db()
    assert (job.state, job.attempt) == (Job.State.DONE, 2)
    assert job.result == {"created": 3, "updated": 0, "unchanged": 0}
    assert (record.state, record.created, record.unchanged) == (AnnualImport.State.DONE, 3, 0)
    assert AnnualAssessment.objects.count() == 3
    assert AuditEntry.objects.filter(action="import").count() == 1


def test_a_rerun_after_the_import_committed_answers_what_it_saved(started):
    """The worker died between the import's commit and the job's finish: the sweeper's rerun
    finds the record done and reports it, instead of failing on the deleted sheet."""
    job, record = started
    jobs.job_run(job_id=job.pk)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, result=None, heartbeat_at=None,
                                         finished_at=None)
    assert jobs.job_sweep()["requeued"] == 1
    jobs.job_run(job_id=job.pk)  # the worker that receives the relayed task
    job.refresh_from_db()
    assert (job.state, job.attempt) == (Job.State.DONE, 2)
    assert job.result == {"created": 3, "updated": 0, "unchanged": 0}
    assert AnnualAssessment.objects.count() == 3
    assert AuditEntry.objects.filter(action="import").count() == 1


def test_an_import_cancelled_before_it_ran_keeps_no_sheet(started, as_user, staff_user):
    job, record = started
    sheet = record.file.name
    storage = record.file.storage
    assert storage.exists(sheet)
    response = as_user(staff_user).post(f"/api/v1/jobs/{job.pk}/cancel/")
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    assert jobs.job_run(job_id=job.pk) is None  # the queued message, delivered later
    record.refresh_from_db()
    assert record.state == AnnualImport.State.FAILED
    assert not record.file and not storage.exists(sheet)
    assert not AnnualAssessment.objects.exists()
