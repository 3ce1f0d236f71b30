"""The home page, jobs, and the two pieces every app's HTML views share:
RoleRequiredMixin and ServiceFormView."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView

from . import jobs
from .errors import Conflict
from .forms import add_service_errors
from .models import Role
from .services import require_role


def has_any_role(user, *roles: str) -> bool:
    """Whether the user holds one of roles: what a page checks to offer an action."""
    return any(user.has_role(role) for role in roles)


class RoleRequiredMixin(LoginRequiredMixin):
    """Anonymous users go to the login page; a user without one of `required_roles` gets 403."""

    required_roles: tuple[str, ...] = (Role.STAFF, Role.ADMIN)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        require_role(request.user, *self.required_roles)
        return super().dispatch(request, *args, **kwargs)


class ServiceFormView(RoleRequiredMixin, FormView):
    """A form checks the shape; `perform(form)` calls the service. A ValidationError from the
    service goes back onto the form as inline errors, and (the service being atomic) nothing is saved."""

    success_message = ""

    def perform(self, form):
        """Call the service with the form's cleaned data; return the saved object."""
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.object = self.perform(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())

    def get_success_url(self):
        return self.object.get_absolute_url()


@login_required
def home(request):
    # Lazy: the dashboard reads other apps' selectors; core must import without them.
    from cadres.selectors import cadre_list

    from .scoping import unit_scope

    user = request.user
    cadres = cadre_list(user=user)
    stats = {
        "units": unit_scope(user).count(),
        "cadres": cadres.count(),
        "active": cadres.filter(status="active").count(),
        "reserve": cadres.filter(is_reserve=True).count(),
    }
    can_edit = has_any_role(user, Role.STAFF, Role.ADMIN)
    return render(request, "home.html", {"stats": stats, "can_edit": can_edit})


@login_required
def job_detail(request, pk: int):
    job = get_object_or_404(jobs.job_list_visible(user=request.user), pk=pk)
    return render(request, "core/job_detail.html", {"job": job})


@login_required
@require_POST
def job_cancel(request, pk: int):
    job = get_object_or_404(jobs.job_list_visible(user=request.user), pk=pk)
    try:
        jobs.job_cancel(job=job, actor=request.user)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("任务已取消。"))
    return redirect("job-detail", pk=job.pk)


@login_required
def job_file(request, pk: int):
    job = get_object_or_404(jobs.job_list_visible(user=request.user), pk=pk)
    if not job.file:
        raise Http404
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1]
    )
