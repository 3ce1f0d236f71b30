"""Pages of 及时奖励: the nominations the user may see, the nomination form, one nomination with
the approve and reject forms (offered to those who may decide: not the nominator)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.models import Role
from core.views import ServiceFormView, form_refusals, has_any_role

from .. import permissions
from ..forms import TimelyApproveForm, TimelyNominateForm, TimelyRejectForm
from ..models import TimelyReward
from ..selectors.timely import timely_get, timely_list
from ..services import timely as services

WRITE_ROLES = (Role.STAFF, Role.ADMIN)


@login_required
def timely_list_view(request):
    state = request.GET.get("state") or ""
    if state not in TimelyReward.State.values:
        state = ""
    rows = timely_list(user=request.user, state=state or None)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "incentives/timely_list.html", {
        "page_obj": page, "state": state, "states": TimelyReward.State.choices,
        "can_create": has_any_role(request.user, *WRITE_ROLES)})


class TimelyNominateView(ServiceFormView):
    required_roles = WRITE_ROLES
    form_class = TimelyNominateForm
    template_name = "incentives/timely_form.html"
    success_message = _("已提名，等待他人审批。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"cadre": self.request.GET.get("cadre") or None,
                "measure": services.default_measure()}

    def perform(self, form):
        return services.timely_nominate(actor=self.request.user, **form.service_data())


def _render_detail(request, reward, *, approve_form=None, reject_form=None, status=200):
    refusal = permissions.timely_decision_refusal(request.user, reward)
    can_decide = reward.state == TimelyReward.State.NOMINATED and refusal is None
    return render(request, "incentives/timely_detail.html", {
        "reward": reward, "can_decide": can_decide,
        "refusal": refusal if reward.state == TimelyReward.State.NOMINATED else None,
        "approve_form": approve_form or TimelyApproveForm(prefix="approve"),
        "reject_form": reject_form or TimelyRejectForm(prefix="reject")}, status=status)


@login_required
def timely_detail(request, pk: int):
    return _render_detail(request, timely_get(user=request.user, pk=pk))


@login_required
@require_POST
def timely_approve(request, pk: int):
    reward = timely_get(user=request.user, pk=pk)
    form = TimelyApproveForm(request.POST, prefix="approve")
    status = 400
    if form.is_valid():
        with form_refusals(form) as refused:
            services.timely_approve(actor=request.user, reward=reward,
                                    date=form.cleaned_data["date"] or None,
                                    document_number=form.cleaned_data["document_number"])
        if not refused:
            messages.success(request, _("已批准，及时奖励已记入奖惩记录。"))
            return redirect(reward.get_absolute_url())
        status = refused.status
    return _render_detail(request, timely_get(user=request.user, pk=pk), approve_form=form,
                          status=status)


@login_required
@require_POST
def timely_reject(request, pk: int):
    reward = timely_get(user=request.user, pk=pk)
    form = TimelyRejectForm(request.POST, prefix="reject")
    status = 400
    if form.is_valid():
        with form_refusals(form) as refused:
            services.timely_reject(actor=request.user, reward=reward,
                                   reason=form.cleaned_data["reason"])
        if not refused:
            messages.success(request, _("已不予批准。"))
            return redirect(reward.get_absolute_url())
        status = refused.status
    return _render_detail(request, timely_get(user=request.user, pk=pk), reject_form=form,
                          status=status)
