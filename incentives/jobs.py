"""Registrations of incentives: jobs."""


# ledger ----
from core.jobs import job_handler  # noqa: E402

from .services.ledger import TALLY_JOB, tally  # noqa: E402


@job_handler(TALLY_JOB)
def tally_job(job, progress) -> dict:
    """The ledger's tally (services.ledger.tally) for the job's scope. Who may start one is
    checked by recompute_start (staff and administrators; the system with no actor). Killed
    halfway and run again, it leaves the same ledger: nothing is written before the swap, and
    the swap is one transaction fenced on the job's attempt."""
    params = job.params or {}
    progress(0.05)
    return tally(cadre_ids=params.get("cadre_ids"), year=params.get("year"), job=job,
                 progress=progress, actor=job.created_by)
