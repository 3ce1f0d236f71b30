"""Registrations of assessments with core's jobs registry (and cadres.demo for demo)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from core.jobs import job_handler

from .models import AnnualImport
from .permissions import WRITE_ROLES
from .services.annual_excel import JOB_KIND, ImportRefused, import_pending, import_stopped

# annual-excel ----------------------------------------------------------------------------


def _import_cancelled(job) -> None:
    """A cancelled import, queued or running, saves nothing: its record says so and its sheet
    is deleted (a running attempt's transaction is rolled back by its fence)."""
    record = AnnualImport.objects.filter(pk=(job.params or {}).get("import")).first()
    if record is not None:
        import_stopped(record=record)


@job_handler(JOB_KIND, roles=WRITE_ROLES, label=gettext_lazy("导入年度考核结果"),
             result_template="assessments/_annual_import_job_result.html",
             on_cancel=_import_cancelled)
def annual_import_job(job, progress) -> dict:
    """A large sheet of annual grades (more rows than ANNUAL_IMPORT_JOB_ABOVE), saved all or
    nothing. The result is the synchronous answer's: {"created", "updated", "unchanged"}, or,
    when rows were refused and nothing saved, {"created": 0, "updated": 0, "rows": [{"row": N,
    "errors": [...]}], "summary": "..."}; a sheet that cannot be read fails the job."""
    record = AnnualImport.objects.select_related("created_by").get(pk=job.params["import"])
    if record.state == AnnualImport.State.DONE:
        # An earlier attempt saved it and its worker died before the job's finish: the grades
        # are in (once); answer what that attempt saved.
        return {"created": record.created, "updated": record.updated,
                "unchanged": record.unchanged}
    progress(0.05)
    try:
        # The job's completion is the import's last statement, inside its transaction: an
        # attempt cancelled or taken over meanwhile saves nothing, and a cancel arriving
        # after finds the job done with its grades (never 已取消 with the grades saved).
        # No progress inside: the import is one transaction, so its progress would be seen by
        # no one before the commit, and its write would lock the job's row until then (a
        # cancel, the sweeper and a takeover's claim would wait for the whole import).
        result = import_pending(actor=record.created_by, record=record,
                                dry_run=bool(job.params.get("dry_run")),
                                fence=lambda saved: job.complete(_saved(saved)))
    except ImportRefused as exc:
        return {"created": 0, "updated": 0, "rows": exc.rows, "summary": " ".join(exc.messages)}
    except ValidationError as exc:
        raise ValidationError(" ".join(exc.messages)) from exc
    return _saved(result)


def _saved(result) -> dict:
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
