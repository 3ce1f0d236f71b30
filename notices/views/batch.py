"""Pages of notices: batch publication. GET lists the drafts the user may publish, with
checkboxes; POST (from here or from the list page: `notices` ids) starts the job and comes back
here with ?job=, which shows its progress (core's job partial) and, when done, the zip."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.jobs import job_list_visible
from core.models import Role
from core.services import require_role

from .. import permissions
from ..models import Notice
from ..selectors import notice_list
from ..services.batch import BATCH_JOB, batch_start

PAGE_SIZE = 100


def _drafts(user):
    """The drafts user may publish: the drafts they see (permissions.notice_visible_q, through
    notice_list), for a user who may write at all."""
    if not permissions.can_write(user):
        return Notice.objects.none()
    return notice_list(user=user).filter(state=Notice.State.DRAFT)


@login_required
@require_http_methods(["GET", "POST"])
def batch_publish_view(request):
    """批量发布."""
    require_role(request.user, Role.STAFF, Role.ADMIN)
    if request.method == "POST":
        try:
            job = batch_start(actor=request.user, ids=request.POST.getlist("notices"))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _("未能开始批量发布：%(why)s") % {
                "why": " ".join(getattr(exc, "messages", None) or [str(exc)])})
            return redirect("notices:batch")
        messages.success(request,
                         _("已开始批量发布，下方显示进度；完成后可下载全部 PDF 的压缩包。"))
        return redirect(reverse("notices:batch") + f"?job={job.pk}")
    job = None
    if request.GET.get("job"):
        try:
            job = job_list_visible(user=request.user).filter(
                kind=BATCH_JOB, pk=int(request.GET["job"])).first()
        except ValueError:
            job = None
        if job is None:
            raise Http404
    page = Paginator(_drafts(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/batch.html", {"job": job, "page_obj": page})
