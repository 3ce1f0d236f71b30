"""Registrations of assessments with core's jobs registry (and cadres.demo for demo)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from core.jobs import job_handler

from .models import AnnualImport
from .permissions import WRITE_ROLES
from .services.annual_excel import JOB_KIND, ImportRefused, import_pending

# annual-excel ----------------------------------------------------------------------------


@job_handler(JOB_KIND, roles=WRITE_ROLES, label=gettext_lazy("导入年度考核结果"),
             result_template="assessments/_annual_import_job_result.html")
def annual_import_job(job, progress) -> dict:
    """A large sheet of annual grades (more rows than ANNUAL_IMPORT_JOB_ABOVE), saved all or
    nothing. The result is the synchronous answer's: {"created", "updated", "unchanged"}, or,
    when rows were refused and nothing saved, {"created": 0, "updated": 0, "rows": [{"row": N,
    "errors": [...]}], "summary": "..."}; a sheet that cannot be read fails the job."""
    record = AnnualImport.objects.select_related("created_by").get(pk=job.params["import"])
    progress(0.05)
    try:
        result = import_pending(actor=record.created_by, record=record, progress=progress,
                                dry_run=bool(job.params.get("dry_run")))
    except ImportRefused as exc:
        return {"created": 0, "updated": 0, "rows": exc.rows, "summary": " ".join(exc.messages)}
    except ValidationError as exc:
        raise ValidationError(" ".join(exc.messages)) from exc
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
