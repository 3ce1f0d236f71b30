"""The home page, jobs, and what every app's HTML views share: RoleRequiredMixin,
ServiceFormView and `form_refusals`, the one path from a service's refusal to the page."""

from contextlib import contextmanager

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView

from . import jobs
from .dashboard import dashboard_stats
from .errors import Conflict, PayloadTooLarge
from .forms import add_service_errors
from .models import Role
from .scoping import unit_scope
from .templatetags.dandang import cadre_only
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


# A service's refusals and the status a page answers them with, as the API does.
REFUSAL_STATUS = {ValidationError: 400, Conflict: 409, PermissionDenied: 403, PayloadTooLarge: 413}
REFUSALS = tuple(REFUSAL_STATUS)


class Refusal:
    """What form_refusals caught: falsy until a service refused, then `status` says how."""

    status: int | None = None

    def __bool__(self) -> bool:
        return self.status is not None


def add_refusal(form, exc: Exception, field: str | None = None) -> None:
    """Put a service's refusal on the form: a ValidationError's messages inline where the form
    has the field, any other refusal's message on `field` (or at the top of the form)."""
    if isinstance(exc, ValidationError):
        add_service_errors(form, exc)
        return
    message = getattr(exc, "message", None) or str(exc) or _("您无权执行此操作。")
    form.add_error(field if field in form.fields else None, message)


@contextmanager
def form_refusals(form, field: str | None = None):
    """Run a service call; a ValidationError, Conflict, PermissionDenied or PayloadTooLarge
    becomes the form's errors and `refusal.status` 400, 409, 403 or 413. The service being
    atomic, nothing was saved. For function views:

        with form_refusals(form) as refused:
            services.something(...)
        if not refused:
            return redirect(...)
        return render(request, template, {"form": form}, status=refused.status)
    """
    refusal = Refusal()
    try:
        yield refusal
    except REFUSALS as exc:
        refusal.status = next(code for kind, code in REFUSAL_STATUS.items() if isinstance(exc, kind))
        add_refusal(form, exc, field)


class ServiceFormView(RoleRequiredMixin, FormView):
    """A form checks the shape; `perform(form)` calls the service. A refusal of the service goes
    back onto the form (form_refusals) with its status; a form that fails its own checks is a 400."""

    success_message = ""

    def perform(self, form):
        """Call the service with the form's cleaned data; return the saved object."""
        raise NotImplementedError

    def form_valid(self, form):
        with form_refusals(form) as refused:
            self.object = self.perform(form)
        if refused:
            return self.form_invalid(form, status=refused.status)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())

    def form_invalid(self, form, status: int = 400):
        return self.render_to_response(self.get_context_data(form=form), status=status)

    def get_success_url(self):
        return self.object.get_absolute_url()


@login_required
def home(request):
    user = request.user
    # The apps' figures come through core.dashboard: core imports no app.
    # A cadre's own account has no scope to count: its home shows its own links only.
    stats = {} if cadre_only(user) else {"units": unit_scope(user).count(), **dashboard_stats(user=user)}
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


# Public pages (no login: the ballot, the notice verification) --------------------------------


def public_response(response):
    """Headers of a public page whose path carries a code: no cache may keep it, and no link to
    another site may carry the code away. Not "no-referrer": the browser would then post the
    page's form with `Origin: null`, which Django's CSRF check refuses."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


def public_rate_limited(request, *, group: str, rate: str) -> bool:
    """Whether this client IP went over rate (e.g. "30/m") on the public page group; each call
    counts (django-ratelimit, its "ratelimit" cache)."""
    from django_ratelimit import ALL
    from django_ratelimit.core import is_ratelimited

    return is_ratelimited(request, group=group, key="ip", rate=rate, method=ALL, increment=True)
