"""Background jobs: a registry of handlers by kind, one service that starts a job and
one that runs it.

A handler is `handler(job, progress) -> result`: it does the work, calls
`progress(fraction)` now and then, and returns something JSON can hold. Register it with
`@job_handler("kind")` in `<app>/jobs.py`; those modules are imported on first use, in the
web process and in the worker alike, so a worker knows every kind the web side can start.

Progress is written outside the handler's own transactions so the page and the API can
show it while the job runs: a handler that wants a moving bar works in chunks, each in its
own `transaction.atomic()`, rather than in one transaction around everything.
"""

import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from .audit import verify_chain
from .errors import Conflict
from .models import Job, Role
from .services import require_role

logger = logging.getLogger(__name__)

Progress = Callable[[float], None]
Handler = Callable[[Job, Progress], Any]

# Progress is saved at most this often: a handler may call progress() per row.
PROGRESS_MIN_INTERVAL = 1.0

_handlers: dict[str, tuple[Handler, tuple[str, ...]]] = {}
_discovered = False


def job_handler(kind: str, *, roles: Iterable[str] = ()) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of `kind`; only `roles` may start it
    (any signed-in user, or the system with actor=None, when empty)."""

    def register(fn: Handler) -> Handler:
        known = _handlers.get(kind)
        if known and known[0] is not fn:
            raise ImproperlyConfigured(f"Job kind {kind!r} already has a handler: {known[0]!r}")
        _handlers[kind] = (fn, tuple(roles))
        return fn

    return register


def _handler(kind: str) -> tuple[Handler, tuple[str, ...]] | None:
    global _discovered
    if kind not in _handlers and not _discovered:
        autodiscover_modules("jobs")
        _discovered = True
    return _handlers.get(kind)


@transaction.atomic
def job_start(*, kind: str, actor, params: dict | None = None) -> Job:
    """Create a queued job and hand it to a worker once the transaction commits.
    Raises ValidationError for an unknown kind, PermissionDenied for a role that may not start it."""
    entry = _handler(kind)
    if entry is None:
        raise ValidationError({"kind": _("未知的任务类型：%(kind)s。") % {"kind": kind}})
    roles = entry[1]
    if roles:
        require_role(actor, *roles)
    created_by = actor if getattr(actor, "is_authenticated", False) else None
    job = Job.objects.create(kind=kind, params=params or {}, created_by=created_by)
    # Imported here: core.tasks imports this module.
    from .tasks import run_job

    # After commit, so a worker never looks for a row it cannot see yet.
    transaction.on_commit(lambda: run_job.delay(job.pk))
    return job


def _progress_saver(job: Job) -> Progress:
    last_saved = None

    def progress(fraction: float) -> None:
        nonlocal last_saved
        now = time.monotonic()
        if last_saved is not None and now - last_saved < PROGRESS_MIN_INTERVAL:
            return
        last_saved = now
        job.progress = min(max(float(fraction), 0.0), 1.0)
        job.save(update_fields=["progress"])

    return progress


def _failure_message(exc: Exception) -> str:
    # The domain's own errors already speak to the user; anything else is a bug,
    # named by its type so whoever reads the job can report it.
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, (Conflict, PermissionDenied)):
        return str(exc)
    return _("任务执行出错（%(error)s）。") % {"error": f"{type(exc).__name__}: {exc}"}


def _finish(job: Job, state: str, result: Any) -> None:
    job.state = state
    job.result = result
    job.finished_at = timezone.now()
    fields = ["state", "result", "finished_at"]
    if state == Job.State.DONE:
        job.progress = 1.0
        fields.append("progress")
    job.save(update_fields=fields)


def job_run(*, job_id: int) -> Job | None:
    """Claim a queued job, run its handler and record done or failed with the result.
    Returns None when the job is gone or another delivery of the task already claimed it."""
    # A conditional UPDATE is the claim: of two deliveries of the same task, one wins.
    # A job "running" for longer than the broker's visibility timeout lost its worker
    # (acks_late redelivers the task then): the redelivery may take it over, since
    # handlers give the same result when run twice.
    stale_before = timezone.now() - dt.timedelta(seconds=settings.DANDANG["JOB_STALE_AFTER_SECONDS"])
    claimable = Q(state=Job.State.QUEUED) | Q(state=Job.State.RUNNING, started_at__lt=stale_before)
    claimed = Job.objects.filter(claimable, pk=job_id).update(
        state=Job.State.RUNNING, started_at=timezone.now(), progress=0.0
    )
    if not claimed:
        logger.info("Job %s is not queued (gone, or already claimed); nothing to do.", job_id)
        return None
    job = Job.objects.get(pk=job_id)
    entry = _handler(job.kind)
    if entry is None:
        _finish(job, Job.State.FAILED, {"error": _("未知的任务类型：%(kind)s。") % {"kind": job.kind}})
        return job
    try:
        result = entry[0](job, _progress_saver(job))
        # Checked here, not left to the save: a failed save would mark any enclosing
        # transaction for rollback, and the failure could no longer be recorded.
        json.dumps(result)
        _finish(job, Job.State.DONE, result)
    except Exception as exc:  # noqa: BLE001 - a job's failure is recorded, not raised into the worker
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _finish(job, Job.State.FAILED, {"error": _failure_message(exc)})
    return job


@job_handler("audit_verify", roles=[Role.ADMIN])
def audit_verify_job(job: Job, progress: Progress) -> dict:
    """Check the audit trail's hash chain, as `manage.py audit_verify` does."""
    checked, broken = verify_chain(progress=progress)
    return {"checked": checked, "ok": broken is None, "broken_entry": broken.pk if broken else None}
