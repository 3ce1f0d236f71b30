"""Registrations of incentives: jobs."""


# ledger ----
from django.utils.translation import gettext_lazy  # noqa: E402

from core.jobs import job_handler  # noqa: E402

from .services.ledger import TALLY_JOB, job_cadre_ids, tally  # noqa: E402


@job_handler(TALLY_JOB, label=gettext_lazy("激励台账计算"),
             result_template="incentives/_tally_job_result.html")
def tally_job(job, progress) -> dict:
    """The ledger's tally (services.ledger.tally) for the job's scope. Who may start one is
    checked by recompute_start (staff and administrators; the system with no actor). Killed
    halfway and run again, it leaves the same ledger: nothing is written before the swap, and
    the swap is one transaction fenced on the job's attempt."""
    params = job.params or {}
    progress(0.05)
    cadre_ids = job_cadre_ids(params)
    result = tally(cadre_ids=cadre_ids, year=params.get("year"), job=job, progress=progress,
                   actor=job.created_by)
    if cadre_ids is None:
        _vacuum_ledger()
    return result


def _vacuum_ledger() -> None:
    """After a full tally rewrote the ledger, VACUUM (ANALYZE) it on PostgreSQL: the ledger
    API's count is an index-only scan only over a vacuumed table (docs/PERFORMANCE.md), and
    autovacuum may come late, or be off. Outside a transaction only (VACUUM cannot run in
    one); a test's wrapping transaction skips it."""
    from django.db import connection

    from .models import LedgerRow

    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f'VACUUM (ANALYZE) "{LedgerRow._meta.db_table}"')
