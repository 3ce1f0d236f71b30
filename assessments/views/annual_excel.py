"""Pages of the Excel exchange of annual grades: upload → preview (what would be created and
updated, or every refused row with its sheet row number) → confirm → saved; a large sheet goes
to a background job and its page. And the export: a unit and a year → the .xlsx."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms.utils import ErrorDict
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.views import form_refusals

from .. import permissions
from ..forms import AnnualExportForm, AnnualImportForm
from ..selectors.annual_excel import XLSX_MIME, export_workbook, template_workbook
from ..services.annual_excel import (
    ImportRefused,
    annual_import,
    display_name,
    import_pending,
    import_start_job,
    import_upload,
    job_above,
    pending_import,
    read_sheet,
    read_upload,
)

TEMPLATE = "assessments/annual_import.html"


def _require_writer(user) -> None:
    if not permissions.can_write(user):
        raise PermissionDenied(_("您的角色无权录入考核结果。"))


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def annual_import_page(request):
    """Upload a sheet: the preview of a dry run (or the refused rows), or for a large sheet
    the number of rows and a button that starts the background import."""
    _require_writer(request.user)
    form = AnnualImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "job_above": job_above()}
    if request.method == "GET" or not form.is_valid():
        return render(request, TEMPLATE, context, status=200 if request.method == "GET" else 400)
    upload = form.cleaned_data["file"]
    # The sheet is kept (for its confirmation) only once it has passed the dry run.
    with form_refusals(form, "file") as refused:
        data = read_upload(upload)
        rows = len(read_sheet(data).rows)
        if rows > job_above():
            context["large"] = rows
        else:
            try:
                context["result"] = annual_import(actor=request.user, data=data,
                                                  name=display_name(upload), dry_run=True)
            except ImportRefused as exc:
                context["refused"] = exc.rows
                return render(request, TEMPLATE, context, status=400)
        context["record"], _data = import_upload(actor=request.user, upload=upload)
    if refused:
        return render(request, TEMPLATE, context, status=refused.status)
    return render(request, TEMPLATE, context)


@login_required
@require_POST
def annual_import_confirm(request, pk: int):
    """Save a previewed sheet (or start its job). Nothing is saved if any row fails now."""
    _require_writer(request.user)
    form = AnnualImportForm()
    # An unbound form that can carry the service's refusal (nothing was posted to check).
    form.cleaned_data, form._errors = {}, ErrorDict()
    context = {"form": form, "job_above": job_above()}
    with form_refusals(form, "file") as refused:
        record = pending_import(actor=request.user, pk=pk)
        if request.POST.get("background"):
            job = import_start_job(actor=request.user, record=record)
            return redirect("job-detail", pk=job.pk)
        try:
            result = import_pending(actor=request.user, record=record)
        except ImportRefused as exc:
            context["refused"] = exc.rows
            return render(request, TEMPLATE, context, status=400)
    if refused:
        return render(request, TEMPLATE, context, status=refused.status)
    messages.success(request, _("已导入：新增 %(created)s 条，更新 %(updated)s 条，未变 %(unchanged)s 条。")
                     % {"created": result.created, "updated": result.updated,
                        "unchanged": result.unchanged})
    return redirect("assessments:annual-import")


@login_required
def annual_import_template(request):
    return _xlsx(template_workbook(), "annual-import-template.xlsx")


@login_required
def annual_export_page(request):
    """Choose a unit and a year; with both, the .xlsx of the unit's grades."""
    form = AnnualExportForm(request.GET or None, user=request.user)
    if request.GET and form.is_valid():
        unit, year = form.cleaned_data["unit"], form.cleaned_data["year"]
        return _xlsx(export_workbook(request.user, unit, year), f"annual-{unit.pk}-{year}.xlsx")
    return render(request, "assessments/annual_import_export.html", {"form": form},
                  status=400 if request.GET else 200)


