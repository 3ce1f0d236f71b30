"""Registrations of notices: jobs (the batch publication, services.batch)."""

from django.utils.translation import gettext_lazy

from core.jobs import job_handler
from core.models import Role

from .services.batch import BATCH_JOB, publish_batch


@job_handler(BATCH_JOB, roles=[Role.STAFF, Role.ADMIN], label=gettext_lazy("批量发布"),
             result_template="notices/_batch_job_result.html")
def publish_batch_job(job, progress) -> dict:
    """批量发布: the drafts of params["notices"], as the job's starter (notice_publish checks
    again, per notice, that they may). A rerun skips what is already published."""
    ids = [int(pk) for pk in (job.params or {}).get("notices", [])]
    return publish_batch(job=job, actor=job.created_by, ids=ids, progress=progress)
