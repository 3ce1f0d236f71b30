"""The tally (激励台账): set-based, replacing a scope's ledger rows in one transaction, run as
a core job of kind TALLY_JOB. TODO(ledger): the tally itself, the nightly beat entry and the
incremental recompute on sources_changed."""

from __future__ import annotations

TALLY_JOB = "incentives.tally"


def recompute_start(*, actor, cadre_ids: list[int] | None = None, year: int | None = None):
    """Start a tally (all cadres, or those given; every year, or the one given) as a job and
    return it (202 in the API; its page shows the progress). A tally of the same scope already
    queued or running is returned instead."""
    from core.jobs import job_start

    scope = "all" if cadre_ids is None else ",".join(str(i) for i in sorted(cadre_ids))
    return job_start(kind=TALLY_JOB, actor=actor,
                     params={"cadre_ids": cadre_ids, "year": year},
                     dedupe_key=f"{TALLY_JOB}:{scope}:{year or 'all'}")
