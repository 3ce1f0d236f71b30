"""Batch publication: many drafts published by a core job (kind "notices.publish_batch"), each in
its own transaction through notice_publish, with progress, and a zip of the PDFs (named by
document number) as the job's result file.

Checked before anything is enqueued (batch_start): every id names a draft the actor may publish;
otherwise a ValidationError (unknown ids, notices no longer drafts) or PermissionDenied (drafts
of units outside the actor's scope) naming them, and no job.

The run is safe to repeat: a notice already published is skipped (not published twice), so a
run taken over after its worker was killed finishes the rest once and still zips every PDF of
the batch. Each notice's transaction is fenced on the job's attempt: once the job is cancelled
or taken over, the run publishes nothing more. A draft that cannot be published (incomplete, a
period the calendar cannot count) is reported in the result with its message; the others are
published."""

from __future__ import annotations

import gc
import hashlib
import tempfile
import zipfile
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import Conflict
from core.jobs import job_start
from core.models import Job, JobStopped

from .. import permissions
from ..models import Notice, NoticePdf
from .publish import notice_publish

BATCH_JOB = "notices.publish_batch"
# A full garbage collection every this many notices (see _collecting).
COLLECT_EVERY = 10
# One task: at the ~0.3–0.7 s a notice takes on a shared machine, 2,000 stay well inside
# CELERY_TASK_SOFT_TIME_LIMIT (an hour).
MAX_BATCH = 2000


def _label(notice: Notice) -> str:
    return f"#{notice.pk} {notice.title}"


def batch_check(*, actor, ids) -> list[int]:
    """The ids, in the order given without repeats, once every one is a draft the actor may
    publish. Raises ValidationError (none given, too many, unknown or not drafts) or
    PermissionDenied (drafts the actor may not publish), naming them."""
    try:
        wanted = list(dict.fromkeys(int(i) for i in ids))
    except (TypeError, ValueError):
        raise ValidationError({"notices": _("请提供公告编号的列表。")}) from None
    if not wanted:
        raise ValidationError({"notices": _("请至少选择一份草稿。")})
    if len(wanted) > MAX_BATCH:
        raise ValidationError({"notices": _("一次最多发布%(n)s份。") % {"n": MAX_BATCH}})
    visible = {n.pk: n for n in Notice.objects.filter(permissions.notice_visible_q(actor),
                                                      pk__in=wanted).select_related("issuing_unit")}
    unknown = [pk for pk in wanted if pk not in visible]
    if unknown:
        raise ValidationError({"notices": _("以下公告不存在：%(ids)s。") % {
            "ids": "、".join(f"#{pk}" for pk in unknown)}})
    published = [visible[pk] for pk in wanted if visible[pk].state != Notice.State.DRAFT]
    if published:
        raise ValidationError({"notices": _("以下公告已发布，不能再次发布：%(names)s。") % {
            "names": "、".join(_label(n) for n in published)}})
    refused = [visible[pk] for pk in wanted
               if not permissions.can_edit_notice(actor, visible[pk])]
    if refused:
        raise PermissionDenied(_("您无权发布以下公告：%(names)s。") % {
            "names": "、".join(_label(n) for n in refused)})
    return wanted


def _dedupe_key(actor, ids) -> str | None:
    """One active batch per starter and selection (whatever its order): a double click, or two
    tabs sending the same selection, get the one job."""
    try:
        chosen = sorted({int(i) for i in ids})
    except (TypeError, ValueError):
        return None
    digest = hashlib.sha256(",".join(map(str, chosen)).encode()).hexdigest()[:32]
    return f"{BATCH_JOB}:{getattr(actor, 'pk', None)}:{digest}"


def batch_start(*, actor, ids):
    """Check the selection (batch_check) and start the job; returns it. The same starter's
    batch of the same selection already queued or running is returned instead (its `reused`
    is True), before the check: its first notices may be published already."""
    key = _dedupe_key(actor, ids)
    if key is not None:
        running = Job.objects.filter(dedupe_key=key, state__in=Job.ACTIVE_STATES).first()
        if running is not None:
            running.reused = True
            return running
    wanted = batch_check(actor=actor, ids=ids)
    return job_start(kind=BATCH_JOB, actor=actor, params={"notices": wanted}, dedupe_key=key)


def zip_name(notice: Notice) -> str:
    """A PDF's name in the zip: its document number (历组通〔2026〕12号.pdf)."""
    name = notice.document_number or f"notice-{notice.pk}"
    return name.replace("/", "_").replace("\\", "_") + ".pdf"


@contextmanager
def _collecting():
    """Bound the memory of a long loop of renderings. A WeasyPrint document is a web of
    reference cycles (boxes, fonts, pages), each rendering ~10 MB of CJK text and fonts, that
    only a full collection frees; in a worker holding all of Django the full collections are
    rare, and a 1,000-notice batch grew its worker to 4 GB before one came
    (docs/PERFORMANCE.md, "Notices: batch"). What lives now is frozen out of the collector
    (gc.freeze), so the periodic full collection only walks the loop's own garbage."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.collect()


def publish_batch(*, job, actor, ids, progress) -> dict:
    """Publish the drafts among ids (each in its own transaction), skip those already
    published, and attach the zip of every published PDF of the batch. Returns the counts and
    the failures ({id, title, error})."""
    with _collecting():
        return _publish_batch(job=job, actor=actor, ids=ids, progress=progress)


def _publish_batch(*, job, actor, ids, progress) -> dict:
    total = len(ids) or 1
    published, skipped, failed = [], [], []
    for done, pk in enumerate(ids, start=1):
        if done % COLLECT_EVERY == 0:
            gc.collect()
        notice = Notice.objects.filter(pk=pk).first()
        if notice is None:
            failed.append({"id": pk, "title": "", "error": _("公告不存在。")})
        elif notice.state != Notice.State.DRAFT:
            skipped.append(pk)
        else:
            try:
                # The attempt fence inside the notice's own transaction: a run cancelled or
                # taken over since its last heartbeat publishes nothing more (its notice is
                # rolled back, its number given back). progress() below writes at most once a
                # second, so it cannot be the fence of a loop doing several notices a second.
                # The heartbeat locks the job's row until the commit: a cancel arriving now
                # waits for this one notice, then stops the run.
                with transaction.atomic():
                    notice_publish(actor=actor, notice=notice)
                    job.heartbeat()
            except JobStopped:
                raise
            except Conflict:  # published meanwhile by someone else: nothing left to do
                skipped.append(pk)
            except (ValidationError, PermissionDenied) as exc:
                failed.append({"id": pk, "title": notice.title,
                               "error": " ".join(getattr(exc, "messages", None) or [str(exc)])})
            else:
                published.append(pk)
        # The zip is the last tenth of the work.
        progress(0.9 * done / total)
    with transaction.atomic():  # the zip and the job's end together: a cancel lands before both
        files = _attach_zip(job, ids)
        result = {"published": len(published), "skipped": len(skipped), "failed": len(failed),
                  "files": files, "failures": failed[:100]}
        job.complete(result)
    return result


def _attach_zip(job, ids) -> int:
    """The zip of the batch's published PDFs, written to a spooled temporary file (one PDF in
    memory at a time) and stored as the job's result file. Returns how many it holds."""
    numbers = dict(Notice.objects.filter(pk__in=ids, state=Notice.State.PUBLISHED)
                   .values_list("pk", "document_number"))
    count = 0
    with tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024) as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
            for pk in ids:  # the order of the selection
                if pk not in numbers:
                    continue
                data = NoticePdf.objects.filter(notice_id=pk).values_list("data", flat=True).first()
                if data is None:
                    continue
                archive.writestr(zip_name(Notice(pk=pk, document_number=numbers[pk])),
                                 bytes(data))
                count += 1
        spool.seek(0)
        job.attach_file(f"notices-{job.pk}.zip", File(spool))
    return count


__all__ = ["BATCH_JOB", "batch_check", "batch_start", "publish_batch", "zip_name"]
