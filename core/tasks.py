"""Celery tasks of core: thin, an id in and the service called."""

from celery import shared_task

from . import jobs


# acks_late: a message is acknowledged after the run, so a job whose worker died before
# claiming it is delivered again; job_run's claim turns any later delivery into a no-op.
@shared_task(acks_late=True, ignore_result=True)
def run_job(job_id: int) -> None:
    jobs.job_run(job_id=job_id)
