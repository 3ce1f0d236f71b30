"""The home page, jobs, and the two pieces every app's HTML views share:
RoleRequiredMixin and ServiceFormView."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.generic import FormView

from .dashboard import dashboard_stats
from .forms import add_service_errors
from .models import Job, Role
from .scoping import unit_scope
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
    user = request.user
    # The apps' figures come through core.dashboard: core imports no app.
    stats = {"units": unit_scope(user).count(), **dashboard_stats(user=user)}
    can_edit = has_any_role(user, Role.STAFF, Role.ADMIN)
    return render(request, "home.html", {"stats": stats, "can_edit": can_edit})


@login_required
def job_detail(request, pk: int):
    jobs = Job.objects.all() if request.user.is_admin else Job.objects.filter(created_by=request.user)
    return render(request, "core/job_detail.html", {"job": get_object_or_404(jobs, pk=pk)})
