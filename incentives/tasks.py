"""Celery tasks of incentives: thin, the service called."""

from celery import shared_task


# Beat sends this nightly (config/settings CELERY_BEAT_SCHEDULE): a full tally, as a job.
@shared_task(ignore_result=True)
def nightly_tally() -> None:
    from .services.ledger import recompute_start

    recompute_start(actor=None)
