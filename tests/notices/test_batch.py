"""Batch publication: a core job publishes many drafts, each in its own transaction, and leaves a
zip of their PDFs named by document number; drafts the caller may not publish are refused before
anything is enqueued; a rerun after a partial run publishes nothing twice."""

import datetime as dt
import hashlib
import io
import zipfile

import pytest
from django.urls import reverse

from core.jobs import job_run
from core.models import AuditEntry, Job, Role
from notices.models import Notice
from notices.services import notice_publish
from notices.services.batch import BATCH_JOB, batch_start
from tests.concurrency import at_once
from tests.factories import CadreFactory, UserFactory

from .helpers import at, pre_appointment

MONDAY = dt.date(2025, 6, 9)


def _drafts(actor, tree, n, **fields):
    return [pre_appointment(actor, tree["district"], CadreFactory(unit=tree["street"]),
                            period_start=MONDAY, title=f"任前公示{i}", **fields)
            for i in range(n)]


def _zip(job) -> dict[str, bytes]:
    job.file.open("rb")
    try:
        with zipfile.ZipFile(io.BytesIO(job.file.read())) as archive:
            return {name: archive.read(name) for name in archive.namelist()}
    finally:
        job.file.close()


@pytest.mark.django_db
def test_the_api_starts_a_job_that_publishes_and_zips(as_user, staff_user, tree,
                                                      django_capture_on_commit_callbacks):
    with at(MONDAY):
        drafts = _drafts(staff_user, tree, 3)
        api = as_user(staff_user)
        with django_capture_on_commit_callbacks(execute=True):  # the eager worker runs the job
            response = api.post("/api/v1/notices/publish-batch/",
                                {"notices": [d.pk for d in drafts]}, format="json")
    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["job"])
    assert job.kind == BATCH_JOB and job.state == Job.State.DONE, job.result
    assert job.result["published"] == 3 and job.result["failed"] == 0
    published = Notice.objects.filter(pk__in=[d.pk for d in drafts]).order_by("sequence")
    assert [n.state for n in published] == [Notice.State.PUBLISHED] * 3
    assert [n.sequence for n in published] == [1, 2, 3]
    files = _zip(job)
    assert sorted(files) == sorted(f"{n.document_number}.pdf" for n in published)
    for notice in published:
        data = files[f"{notice.document_number}.pdf"]
        assert hashlib.sha256(data).hexdigest() == notice.sha256
    # Published by the job's starter, one audit entry each.
    assert {n.published_by_id for n in published} == {staff_user.pk}
    assert AuditEntry.objects.filter(action="publish").count() == 3


@pytest.mark.django_db
def test_drafts_the_caller_may_not_publish_are_refused_before_anything_is_enqueued(
        as_user, staff_user, admin_user, tree):
    with at(MONDAY):
        mine = _drafts(staff_user, tree, 1)[0]
        elsewhere = pre_appointment(admin_user, tree["other"], CadreFactory(unit=tree["other"]),
                                    period_start=MONDAY, title="鹤山的公示")
        done = notice_publish(actor=staff_user, notice=_drafts(staff_user, tree, 1)[0])
    below = UserFactory(username="below", roles=[Role.STAFF], units=[tree["street"]])
    reviewer = UserFactory(username="reviewer", roles=[Role.REVIEWER], units=[tree["district"]])
    api = as_user(staff_user)
    unknown = api.post("/api/v1/notices/publish-batch/",
                       {"notices": [mine.pk, elsewhere.pk]}, format="json")
    assert unknown.status_code == 400
    assert f"#{elsewhere.pk}" in unknown.json()["notices"][0]
    again = api.post("/api/v1/notices/publish-batch/", {"notices": [mine.pk, done.pk]},
                     format="json")
    assert again.status_code == 400 and done.document_number not in again.json()["notices"][0]
    assert "已发布" in again.json()["notices"][0]
    empty = api.post("/api/v1/notices/publish-batch/", {"notices": []}, format="json")
    assert empty.status_code == 400
    # Staff scoped below the issuing unit do not see its drafts: unknown to them.
    hidden = as_user(below).post("/api/v1/notices/publish-batch/", {"notices": [mine.pk]},
                                 format="json")
    assert hidden.status_code == 400 and f"#{mine.pk}" in hidden.json()["notices"][0]
    # Nor may anyone without a writing role.
    refused = as_user(reviewer).post("/api/v1/notices/publish-batch/", {"notices": [mine.pk]},
                                     format="json")
    assert refused.status_code == 403
    assert not Job.objects.filter(kind=BATCH_JOB).exists()
    mine.refresh_from_db()
    assert mine.state == Notice.State.DRAFT


@pytest.mark.django_db
def test_a_rerun_after_a_partial_run_publishes_nothing_twice(staff_user, tree):
    with at(MONDAY):
        drafts = _drafts(staff_user, tree, 4)
        job = batch_start(actor=staff_user, ids=[d.pk for d in drafts])
        # The killed run had published the first two before its worker died.
        for notice in drafts[:2]:
            notice_publish(actor=staff_user, notice=notice)
        job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.result
    assert (job.result["published"], job.result["skipped"]) == (2, 2)
    numbers = list(Notice.objects.filter(pk__in=[d.pk for d in drafts])
                   .order_by("sequence").values_list("sequence", flat=True))
    assert numbers == [1, 2, 3, 4]
    assert AuditEntry.objects.filter(action="publish").count() == 4
    assert len(_zip(job)) == 4  # the whole batch, including what the first run published


@pytest.mark.django_db
def test_an_incomplete_draft_is_reported_and_the_rest_published(staff_user, tree):
    with at(MONDAY):
        good = _drafts(staff_user, tree, 2)
        incomplete = pre_appointment(staff_user, tree["district"],
                                     CadreFactory(unit=tree["street"]), title="缺日期")
        job = batch_start(actor=staff_user, ids=[good[0].pk, incomplete.pk, good[1].pk])
        job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert (job.result["published"], job.result["failed"]) == (2, 1)
    assert job.result["failures"][0]["id"] == incomplete.pk
    assert "公示开始日期" in job.result["failures"][0]["error"]
    incomplete.refresh_from_db()
    assert incomplete.state == Notice.State.DRAFT and incomplete.sequence is None
    assert len(_zip(job)) == 2


@pytest.mark.django_db
def test_the_job_page_says_in_words_what_the_batch_did_and_why_a_draft_failed(client, staff_user,
                                                                             tree):
    # Found in a browser: the job page listed the raw keys (published, failures, ...) and a
    # Python list of dicts as the failures.
    with at(MONDAY):
        good = _drafts(staff_user, tree, 1)
        incomplete = pre_appointment(staff_user, tree["district"],
                                     CadreFactory(unit=tree["street"]), title="缺日期")
        job = batch_start(actor=staff_user, ids=[good[0].pk, incomplete.pk])
        job_run(job_id=job.pk)
    client.force_login(staff_user)
    page = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert "批量发布" in page and BATCH_JOB not in page
    assert "发布 1 份，跳过 0 份（此前已发布），未能发布 1 份。" in page
    assert f'href="{reverse("notices:detail", args=[incomplete.pk])}">缺日期</a>' in page
    assert "公示开始日期" in page and "&#x27;error&#x27;" not in page


@pytest.mark.django_db
def test_the_page_starts_a_batch_and_shows_its_progress_and_zip(client, staff_user, tree,
                                                                django_capture_on_commit_callbacks):
    client.force_login(staff_user)
    with at(MONDAY):
        drafts = _drafts(staff_user, tree, 2)
        listing = client.get(reverse("notices:batch"))
        assert listing.status_code == 200
        assert all(f'value="{d.pk}"' in listing.content.decode() for d in drafts)
        with django_capture_on_commit_callbacks(execute=True):
            started = client.post(reverse("notices:batch"), {"notices": [d.pk for d in drafts]})
    assert started.status_code == 302
    job = Job.objects.get(kind=BATCH_JOB)
    assert started["Location"] == reverse("notices:batch") + f"?job={job.pk}"
    page = client.get(started["Location"]).content.decode()
    assert 'id="job-status"' in page and "100%" in page
    assert reverse("job-file-download", args=[job.pk]) in page
    download = client.get(reverse("job-file-download", args=[job.pk]))
    assert download.status_code == 200
    # Nothing selected: a message, no job.
    refused = client.post(reverse("notices:batch"), {})
    assert refused.status_code == 302
    assert Job.objects.filter(kind=BATCH_JOB).count() == 1



@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_from_another_connection_while_the_job_runs(staff_user, tree,
                                                                         monkeypatch):
    """The job runs in a thread (its own connection); this connection reads its progress after
    the first notice, while the second waits for the reader."""
    import threading

    from django.db import connections

    from notices.services import batch as batch_module

    read = threading.Event()
    real_publish = batch_module.notice_publish
    calls = []

    def publish_then_wait(**kwargs):
        calls.append(kwargs["notice"].pk)
        if len(calls) == 2:
            assert read.wait(timeout=60), "the reader never saw the progress"
        return real_publish(**kwargs)

    monkeypatch.setattr(batch_module, "notice_publish", publish_then_wait)
    # The thread below is the worker: the eager broker must not run the job on commit.
    monkeypatch.setattr("core.jobs.job_enqueue", lambda **kwargs: True)
    with at(MONDAY):
        drafts = _drafts(staff_user, tree, 3)
        job = batch_start(actor=staff_user, ids=[d.pk for d in drafts])

        def run():
            try:
                job_run(job_id=job.pk)
            finally:
                connections.close_all()

        runner = threading.Thread(target=run)
        runner.start()
        seen = 0.0
        for _ in range(600):  # waits for a condition, not for time: each read is a query
            seen = Job.objects.filter(pk=job.pk).values_list("progress", flat=True).get()
            if seen > 0:
                break
            runner.join(timeout=0.1)
        read.set()
        runner.join(timeout=120)
    assert 0 < seen < 1
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.result["published"] == 3


# serialized_rollback: the calendar (a data migration) is restored even when this is the first
# transactional test of a run that collects no other serialized test.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_batch_cancelled_between_two_notices_publishes_nothing_more(staff_user, tree,
                                                                      monkeypatch):
    """The cancel (another connection) commits while the second notice is being published:
    that notice is rolled back (its number given back) and no later one is published, however
    rarely progress() writes; the cancelled job keeps no zip."""
    import threading

    from django.db import connection

    from core import jobs
    from core.jobs import job_cancel
    from notices.services import batch as batch_module

    # progress() alone would not see the cancel before the end of the batch.
    monkeypatch.setattr(jobs, "PROGRESS_MIN_INTERVAL", 3600)
    monkeypatch.setattr("core.jobs.job_enqueue", lambda **kwargs: True)  # this test runs it
    real_publish = batch_module.notice_publish
    calls = []

    def cancel_from_another_connection():
        try:
            job_cancel(job=Job.objects.get(pk=job.pk), actor=staff_user)
        finally:
            connection.close()

    def publish_then_cancel(**kwargs):
        calls.append(kwargs["notice"].pk)
        published = real_publish(**kwargs)
        if len(calls) == 2:  # the starter clicks 取消 meanwhile
            canceller = threading.Thread(target=cancel_from_another_connection)
            canceller.start()
            canceller.join(timeout=30)
        return published

    monkeypatch.setattr(batch_module, "notice_publish", publish_then_cancel)
    with at(MONDAY):
        drafts = _drafts(staff_user, tree, 4)
        job = batch_start(actor=staff_user, ids=[d.pk for d in drafts])
        job_run(job_id=job.pk)
        states = [Notice.objects.get(pk=d.pk).state for d in drafts]
        job.refresh_from_db()
        expected = [Notice.State.PUBLISHED] + [Notice.State.DRAFT] * 3
        assert states == expected, (job.state, job.result)
        assert calls == [drafts[0].pk, drafts[1].pk]
        job.refresh_from_db()
        assert (job.state, job.result, job.file.name) == (Job.State.CANCELLED, None, "")
        assert AuditEntry.objects.filter(action="publish").count() == 1
        # The second notice's number was given back: the next publication takes it.
        again = real_publish(actor=staff_user, notice=drafts[1])
    assert again.sequence == 2
    assert Notice.objects.get(pk=drafts[0].pk).sequence == 1


@pytest.mark.django_db
def test_a_second_click_while_the_batch_runs_gets_the_same_job(staff_user, admin_user, tree,
                                                                django_capture_on_commit_callbacks):
    with at(MONDAY):
        drafts = _drafts(staff_user, tree, 3)
        ids = [d.pk for d in drafts]
        with django_capture_on_commit_callbacks(execute=False) as sends:
            first = batch_start(actor=staff_user, ids=ids)
            # The worker has taken it and published the first notice when the click repeats
            # (in another order): no 400 for "already published", no second job.
            Job.objects.filter(pk=first.pk).update(state=Job.State.RUNNING, attempt=1)
            notice_publish(actor=staff_user, notice=drafts[0])
            again = batch_start(actor=staff_user, ids=[str(i) for i in reversed(ids)])
            # Another person's batch of the same drafts is theirs (the job page shows its
            # starter's jobs only); the notices are still published once each.
            with pytest.raises(Exception, match="已发布"):
                batch_start(actor=admin_user, ids=ids)
            other = batch_start(actor=admin_user, ids=ids[1:])
    assert (again.pk, again.reused) == (first.pk, True)
    assert other.pk != first.pk and not other.reused
    assert len([s for s in sends if "job_start" in s.__qualname__]) == 2
    assert Job.objects.filter(kind=BATCH_JOB).count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clicks_at_once_make_one_batch_job(staff_user, tree, monkeypatch):
    monkeypatch.setattr("core.jobs.job_enqueue", lambda **kwargs: True)  # no worker here
    with at(MONDAY):
        ids = [d.pk for d in _drafts(staff_user, tree, 2)]
    got = at_once(*[lambda: batch_start(actor=staff_user, ids=ids)] * 2)
    assert len(got) == 2 and got[0].pk == got[1].pk
    assert Job.objects.filter(kind=BATCH_JOB).count() == 1
