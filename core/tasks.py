"""Celery tasks of core: thin, an id in and the service called."""

from celery import shared_task

from . import jobs


# Late acks (CELERY_TASK_ACKS_LATE) and requeue on a lost worker (settings) may deliver a
# task again; job_run's claim turns a delivery whose job is live or finished into a no-op.
@shared_task(ignore_result=True)
def run_job(job_id: int) -> None:
    jobs.job_run(job_id=job_id)


# Beat sends this every JOB_SWEEP_INTERVAL_SECONDS (config/celery.py); an expired sweep is
# dropped rather than run late, the next one does the same work.
@shared_task(ignore_result=True)
def sweep_jobs() -> None:
    jobs.job_sweep()


# Beat sends this every AUDIT_CHAIN_PENDING_INTERVAL_SECONDS: audit entries whose process died
# between its COMMIT and the chaining are chained without waiting for the next audit_verify.
# One anti-join over the entries and their links (about a second at a million entries).
@shared_task(ignore_result=True)
def relay_notification_emails() -> dict:
    """Notification emails whose task never ran (core.notifications.notification_email_relay)."""
    from .notifications import notification_email_relay

    return notification_email_relay()


@shared_task(ignore_result=True)
def chain_pending_audit() -> None:
    from .audit import chain_pending

    chain_pending()
