"""Background jobs: a registry of handlers by kind, one service that starts a job and
one that runs it.

A handler is `handler(job, progress) -> result`: it does the work, calls
`progress(fraction)` now and then, and returns something JSON can hold. Register it with
`@job_handler("kind")` in `<app>/jobs.py`; those modules are imported on first use, in the
web process and in the worker alike, so a worker knows every kind the web side can start.

Progress is written outside the handler's own transactions so the page and the API can
show it while the job runs: a handler that wants a moving bar works in chunks, each in its
own `transaction.atomic()`, rather than in one transaction around everything.

A job runs once (pulpcore's lease, heartbeat and fence):
- the claim is a conditional UPDATE that increments `attempt`; every later write of the run
  (progress, `job.heartbeat()`, `job.attach_file()`, the finish) is fenced on that attempt and
  `state=running`, so a run that was taken over or cancelled stops at its next write
  (JobStopped) and never writes its result;
- `progress()` and `job.heartbeat()` refresh `heartbeat_at`; a running job whose heartbeat is
  older than JOB_STALE_AFTER_SECONDS lost its worker: a redelivery of its task, or the sweeper,
  takes it over with attempt + 1. A handler must therefore call one of them more often than
  that window;
- the row is the outbox: `enqueued_at` is set once the broker accepted the task. A job whose
  send failed (Redis down) stays queued with `enqueued_at` null, and `job_sweep` (on beat)
  sends it again; so it does a job still queued JOB_RESEND_AFTER_SECONDS after its send (the
  broker lost the message: Redis restarted without it).
"""

import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import chain_report
from .errors import Conflict
from .models import Job, JobStopped, Role
from .services import require_role

logger = logging.getLogger(__name__)

Progress = Callable[[float], None]
Handler = Callable[[Job, Progress], Any]

# Progress is saved at most this often: a handler may call progress() per row.
PROGRESS_MIN_INTERVAL = 1.0
# The task that runs a job, by name: core.tasks imports this module, not the other way round.
RUN_TASK = "core.tasks.run_job"
# A queued job the broker has not accepted is relayed by the sweeper once it is this old, so
# the sweep does not race the request's own on-commit send.
RELAY_AFTER_SECONDS = 10

_handlers: dict[str, tuple[Handler, tuple[str, ...]]] = {}
_on_cancel: dict[str, Callable[[Job], None]] = {}
# How a kind reads on the job page: its name in words, and the template that shows its result.
_shown: dict[str, tuple[Any, str | None]] = {}
_discovered = False


def job_handler(
    kind: str, *, roles: Iterable[str] = (), label: Any = None, result_template: str | None = None,
    on_cancel: Callable[[Job], None] | None = None,
) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of `kind`; only `roles` may start it
    (any signed-in user, or the system with actor=None, when empty). `label` (a lazy
    translation) names the kind on the job page; `result_template`, rendered there with `job`
    and `result` once the job is done, shows its result in words (else a plain list of keys).
    on_cancel(job): called after a cancel of a job of this kind commits, queued or running, to
    release what the job would have finished (a running handler also stops at its next fenced
    write)."""

    def register(fn: Handler) -> Handler:
        known = _handlers.get(kind)
        if known and known[0] is not fn:
            raise ImproperlyConfigured(f"Job kind {kind!r} already has a handler: {known[0]!r}")
        _handlers[kind] = (fn, tuple(roles))
        if on_cancel is not None:
            _on_cancel[kind] = on_cancel
        _shown[kind] = (label, result_template)
        return fn

    return register


def _handler(kind: str) -> tuple[Handler, tuple[str, ...]] | None:
    global _discovered
    if kind not in _handlers and not _discovered:
        autodiscover_modules("jobs")
        _discovered = True
    return _handlers.get(kind)


def job_shown(kind: str) -> dict:
    """How a job of `kind` reads on its page: {"label", "result_template"}; an unknown or
    unlabelled kind keeps its code as label and has no result template."""
    _handler(kind)
    label, template = _shown.get(kind, (None, None))
    return {"label": label or kind, "result_template": template}


def job_list_visible(*, user) -> QuerySet[Job]:
    """The jobs a user may see, cancel and download from: those they started; all of them
    for an administrator. The API, the page and the download all ask this."""
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    if user.is_admin:
        return Job.objects.all()
    return Job.objects.filter(created_by=user)


def _stale_before() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.DANDANG["JOB_STALE_AFTER_SECONDS"])


def job_enqueue(*, job_id: int) -> bool:
    """Hand the job's task to the broker and note that it has it; False (logged, never raised)
    when the broker refused, so the caller's request still succeeds and the sweeper relays it."""
    try:
        current_app.signature(RUN_TASK, args=(job_id,)).apply_async()
    except Exception:  # noqa: BLE001 - any broker failure: the row is the outbox, the sweeper retries
        logger.exception(
            "Job %s could not be handed to the broker; the sweeper will relay it.", job_id
        )
        return False
    # A resend (the job still queued) notes the new send; a job already claimed keeps its time.
    Job.objects.filter(Q(enqueued_at__isnull=True) | Q(state=Job.State.QUEUED), pk=job_id).update(
        enqueued_at=timezone.now())
    return True


@transaction.atomic
def job_start(
    *, kind: str, actor, params: dict | None = None, dedupe_key: str | None = None
) -> Job:
    """Create a queued job and hand it to a worker once the transaction commits.
    With `dedupe_key`, an already queued or running job with that key is returned instead
    (its `reused` is True) and nothing new is queued.
    Raises ValidationError for an unknown kind, PermissionDenied for a role that may not
    start it."""
    entry = _handler(kind)
    if entry is None:
        raise ValidationError({"kind": _("未知的任务类型：%(kind)s。") % {"kind": kind}})
    roles = entry[1]
    if roles:
        require_role(actor, *roles)
    created_by = actor if getattr(actor, "is_authenticated", False) else None
    for _try in range(3):
        if dedupe_key is not None:
            existing = Job.objects.filter(
                dedupe_key=dedupe_key, state__in=Job.ACTIVE_STATES
            ).first()
            if existing is not None:
                existing.reused = True
                return existing
        try:
            # A savepoint: on PostgreSQL a concurrent start with the same key waits for the
            # other transaction and then fails the partial unique index; we return its job.
            with transaction.atomic():
                job = Job.objects.create(
                    kind=kind, params=params or {}, created_by=created_by, dedupe_key=dedupe_key
                )
            break
        except IntegrityError:
            if dedupe_key is None:
                raise
    else:  # pragma: no cover - three races in a row with jobs finishing in between
        raise Conflict(_("同类任务正在启动，请稍后重试。"))
    # After commit, so a worker never looks for a row it cannot see yet.
    transaction.on_commit(lambda: job_enqueue(job_id=job.pk))
    return job


@transaction.atomic
def job_cancel(*, job: Job, actor) -> Job:
    """Cancel a queued or running job (a running handler stops at its next progress or
    heartbeat). Raises Conflict, carrying the state, when the job has already finished."""
    cancelled = Job.objects.filter(pk=job.pk, state__in=Job.ACTIVE_STATES).update(
        state=Job.State.CANCELLED, finished_at=timezone.now()
    )
    job.refresh_from_db()
    if not cancelled:
        raise Conflict(
            _("任务已结束（%(state)s），无法取消。") % {"state": job.get_state_display()},
            state=job.state,
            action="cancel",
        )
    logger.info("Job %s (%s) cancelled by %s", job.pk, job.kind, getattr(actor, "pk", None))
    _handler(job.kind)  # the kind's module registers its on_cancel
    hook = _on_cancel.get(job.kind)
    if hook is not None:
        # robust: the cancel has committed; a failed clean-up is logged, not a 500.
        transaction.on_commit(lambda: hook(job), robust=True)
    return job


def _progress_saver(job: Job) -> Progress:
    last_saved = None

    def progress(fraction: float) -> None:
        nonlocal last_saved
        if job._completed:
            return
        now = time.monotonic()
        if last_saved is not None and now - last_saved < PROGRESS_MIN_INTERVAL:
            return
        last_saved = now
        job.fenced_update(progress=min(max(float(fraction), 0.0), 1.0), heartbeat_at=timezone.now())

    return progress


def _failure_message(exc: Exception) -> str:
    # The domain's own errors already speak to the user; anything else is a bug,
    # named by its type so whoever reads the job can report it.
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, (Conflict, PermissionDenied)):
        return str(exc)
    if isinstance(exc, SoftTimeLimitExceeded):
        return _("任务超过运行时限，已停止。")
    return _("任务执行出错（%(error)s）。") % {"error": f"{type(exc).__name__}: {exc}"}


def _finish(job: Job, state: str, result: Any) -> bool:
    """The fenced finish: False, and nothing written, when this run no longer owns the job."""
    fields = {"state": state, "result": result, "finished_at": timezone.now()}
    if state == Job.State.DONE:
        fields["progress"] = 1.0
    try:
        job.fenced_update(**fields)
    except JobStopped:
        logger.warning(
            "Job %s attempt %s finished after it was taken over or cancelled; "
            "its result is discarded.",
            job.pk,
            job._run_attempt,
        )
        return False
    return True


def _claim(job_id: int) -> Job | None:
    """The lease: a conditional UPDATE that takes a queued job, or a running one whose
    heartbeat went stale, and increments its attempt. Of two deliveries, one wins."""
    now = timezone.now()
    claimable = Q(state=Job.State.QUEUED) | Q(state=Job.State.RUNNING) & (
        Q(heartbeat_at__lt=_stale_before()) | Q(heartbeat_at__isnull=True)
    )
    with transaction.atomic():
        claimed = Job.objects.filter(claimable, pk=job_id).update(
            state=Job.State.RUNNING,
            attempt=F("attempt") + 1,
            started_at=now,
            heartbeat_at=now,
            progress=0.0,
        )
        if not claimed:
            return None
        # Read inside the transaction that holds the row: this is our attempt, not a later one.
        job = Job.objects.get(pk=job_id)
    job._run_attempt = job.attempt
    return job


def job_run(*, job_id: int) -> Job | None:
    """Claim a queued job, run its handler and record done or failed with the result.
    Returns None when the job is gone, finished, cancelled or held by a live run."""
    job = _claim(job_id)
    if job is None:
        logger.info(
            "Job %s is not claimable (gone, finished, or running with a fresh heartbeat).", job_id
        )
        return None
    entry = _handler(job.kind)
    if entry is None:
        _finish(
            job, Job.State.FAILED, {"error": _("未知的任务类型：%(kind)s。") % {"kind": job.kind}}
        )
        return job
    try:
        result = entry[0](job, _progress_saver(job))
        if not job._completed:  # a handler's job.complete() recorded it with its work
            # Checked here, not left to the save: a failed save would mark any enclosing
            # transaction for rollback, and the failure could no longer be recorded.
            json.dumps(result)
            _finish(job, Job.State.DONE, result)
    except JobStopped:
        logger.info("Job %s attempt %s stopped: cancelled or taken over.", job.pk, job._run_attempt)
    except Exception as exc:  # noqa: BLE001 - a job's failure is recorded, not raised into the worker
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _finish(job, Job.State.FAILED, {"error": _failure_message(exc)})
    return job


def job_sweep() -> dict:
    """What beat runs every JOB_SWEEP_INTERVAL_SECONDS: a running job whose heartbeat went
    stale lost its worker and is queued again (or failed after JOB_MAX_ATTEMPTS attempts);
    a queued job the broker never accepted (Redis was down), or accepted longer than
    JOB_RESEND_AFTER_SECONDS ago (its message lost), is sent again."""
    stale = Q(state=Job.State.RUNNING) & (
        Q(heartbeat_at__lt=_stale_before()) | Q(heartbeat_at__isnull=True)
    )
    max_attempts = settings.DANDANG["JOB_MAX_ATTEMPTS"]
    with transaction.atomic():
        # A job whose row is locked is inside a transaction of a live connection (a tally's
        # swap, a notice being published, a cancel): its run is not dead, and waiting for it
        # would hold up the sweep of every other job (a worker stopped with SIGSTOP in a swap
        # would hold it for good). Skipped now, it is swept next time if still stale.
        stale_ids = list(Job.objects.select_for_update(skip_locked=True).filter(stale)
                         .values_list("pk", flat=True))
        # Fenced like any write: a run that came back to life in between keeps its job.
        failed = Job.objects.filter(stale, pk__in=stale_ids, attempt__gte=max_attempts).update(
            state=Job.State.FAILED,
            finished_at=timezone.now(),
            result={"error": _("任务多次中断（工作进程退出或超时），已停止。")},
        )
        requeued = Job.objects.filter(stale, pk__in=stale_ids).update(
            state=Job.State.QUEUED, enqueued_at=None)
    relay_before = timezone.now() - dt.timedelta(seconds=RELAY_AFTER_SECONDS)
    resend_before = timezone.now() - dt.timedelta(
        seconds=settings.DANDANG["JOB_RESEND_AFTER_SECONDS"])
    never_sent = Q(enqueued_at__isnull=True) & (Q(created_at__lt=relay_before) | Q(attempt__gt=0))
    pending = list(
        Job.objects.filter(Q(state=Job.State.QUEUED) & (never_sent
                                                        | Q(enqueued_at__lt=resend_before)))
        .order_by("id")
        .values_list("pk", flat=True)
    )
    relayed = sum(job_enqueue(job_id=pk) for pk in pending)
    if failed or requeued or pending:
        logger.warning(
            "Job sweep: %s requeued, %s failed after %s attempts, %s of %s relayed to the broker.",
            requeued,
            failed,
            max_attempts,
            relayed,
            len(pending),
        )
    return {"requeued": requeued, "failed": failed, "relayed": relayed, "pending": len(pending)}


@job_handler("audit_verify", roles=[Role.ADMIN], label=gettext_lazy("核验审计链"))
def audit_verify_job(job: Job, progress: Progress) -> dict:
    """Check the audit trail's hash chain as `manage.py audit_verify` does: every link, and that
    the chain ends at the head kept apart (deleting the newest entries is found too). `head` is
    printed so an operator can keep it outside the system."""
    report = chain_report(progress=progress, expect_head=(job.params or {}).get("expect_head") or None)
    return {
        "checked": report.checked,
        "ok": report.ok,
        "broken_entry": report.broken.pk if report.broken else None,
        "head": {"seq": report.end_seq, "hash": report.end_hash},
        "problems": [str(p) for p in report.problems],
    }
