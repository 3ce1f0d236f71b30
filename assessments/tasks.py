"""Celery tasks of assessments: thin, the service called."""

from celery import shared_task

from .services.appraisal import seal_due_rounds


# Beat sends this every APPRAISAL_SEAL_INTERVAL_SECONDS; an expired one is dropped, the next
# one does the same work.
@shared_task(ignore_result=True)
def seal_closed_appraisals() -> None:
    seal_due_rounds()
