"""Pages of 换届后评估 and the 干部推荐参考名单: rounds, a round's evaluations and 出彩型 candidates
with the shortlist to confirm, one evaluation with its history, the reserve list and its
export. Reads through the selectors (out of scope: 404), writes through the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.views import ServiceFormView, form_refusals

from .. import permissions
from ..forms import (
    CandidateQueryForm,
    EvaluationForm,
    EvaluationRoundForm,
    ReserveListFilterForm,
    ShortlistForm,
)
from ..models import EVALUATION_DIMENSIONS
from ..selectors import evaluation as selectors
from ..services import evaluation as services

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def evaluation_round_list(request):
    """换届后评估: the rounds the user may see (the entry page)."""
    page = Paginator(selectors.evaluation_round_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assessments/evaluation_round_list.html",
                  {"page_obj": page, "can_create": permissions.can_write(request.user)})


class EvaluationRoundCreateView(ServiceFormView):
    form_class = EvaluationRoundForm
    template_name = "assessments/evaluation_form.html"
    success_message = _("评估轮次已创建。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("新建换届后评估轮次")}

    def perform(self, form):
        return services.evaluation_round_create(actor=self.request.user, **form.service_data())


def _render_round(request, evaluation_round, *, shortlist_form=None, status=200):
    query = CandidateQueryForm(request.GET or None)
    params = query.cleaned_data if query.is_valid() else {}
    try:
        candidates = selectors.evaluation_candidates(
            user=request.user, evaluation_round=evaluation_round,
            top_percent=params.get("top_percent"), threshold=params.get("threshold"))
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            for error in errors:
                query.add_error(field if field in query.fields else None, error)
        candidates = []
    can_confirm = permissions.can_write_unit(request.user, evaluation_round.unit)
    unconfirmed = [c for c in candidates if c.shortlisted_at is None]
    if shortlist_form is None and can_confirm:
        shortlist_form = ShortlistForm(candidates=unconfirmed, initial={"evaluations": [str(c.pk) for c in unconfirmed]})
    evaluations = list(selectors.round_evaluations(user=request.user, evaluation_round=evaluation_round))
    return render(request, "assessments/evaluation_round_detail.html", {
        "round": evaluation_round,
        "teams": [e for e in evaluations if e.unit_id],
        "cadres": [e for e in evaluations if e.cadre_id],
        "shortlisted": [e for e in evaluations if e.shortlisted_at],
        "candidates": candidates,
        "query": query,
        "shortlist_form": shortlist_form if can_confirm and unconfirmed else None,
        "can_write": can_confirm,
        "dimensions": EVALUATION_DIMENSIONS,
    }, status=status)


@login_required
def evaluation_round_detail(request, pk: int):
    """A round: its teams and cadres by total, the 出彩型 candidates and the shortlist."""
    return _render_round(request, selectors.evaluation_round_get(user=request.user, pk=pk))


@login_required
@require_POST
def shortlist_confirm(request, pk: int):
    """Confirm the chosen candidates onto the 出彩型 shortlist (tag + reserve list)."""
    evaluation_round = selectors.evaluation_round_get(user=request.user, pk=pk)
    services.require_can_confirm(request.user, evaluation_round)
    query = CandidateQueryForm(request.GET or None)
    params = query.cleaned_data if query.is_valid() else {}
    candidates = selectors.evaluation_candidates(
        user=request.user, evaluation_round=evaluation_round,
        top_percent=params.get("top_percent"), threshold=params.get("threshold"))
    form = ShortlistForm(request.POST, candidates=[c for c in candidates if c.shortlisted_at is None])
    status = 400
    if form.is_valid():
        with form_refusals(form, field="evaluations") as refused:
            fresh = services.shortlist_confirm(
                actor=request.user, evaluation_round=evaluation_round,
                evaluations=[int(pk) for pk in form.cleaned_data["evaluations"]],
                listed_on=form.cleaned_data["listed_on"])
        if not refused:
            messages.success(request, _("已确认 %(n)d 名干部入选出彩型，并列入干部推荐参考名单。") % {"n": len(fresh)})
            return redirect(evaluation_round.get_absolute_url())
        status = refused.status
    return _render_round(request, evaluation_round, shortlist_form=form, status=status)


class EvaluationCreateView(ServiceFormView):
    form_class = EvaluationForm
    template_name = "assessments/evaluation_form.html"
    success_message = _("评估结果已保存。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.round = selectors.evaluation_round_get(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "round": self.round,
                "title": _("录入换届后评估：%(round)s") % {"round": self.round.name}}

    def perform(self, form):
        return services.evaluation_create(actor=self.request.user, round=self.round, **form.service_data())


@login_required
def evaluation_detail(request, pk: int):
    """One evaluation: the six scores, the total, the shortlist, the history."""
    evaluation = selectors.evaluation_get(user=request.user, pk=pk)
    labels = {name: evaluation._meta.get_field(name).verbose_name for name in EVALUATION_DIMENSIONS}
    return render(request, "assessments/evaluation_detail.html", {
        "evaluation": evaluation,
        "scores": [(labels[name], getattr(evaluation, name)) for name in EVALUATION_DIMENSIONS],
        "round_visible": permissions.can_see_evaluation_round(request.user, evaluation.round),
    })


@login_required
def reserve_list(request):
    """干部推荐参考名单, filtered, with its export."""
    form = ReserveListFilterForm(request.GET or None)
    rows = selectors.reserve_list(user=request.user, filters=form.filters() if form.is_valid() else None)
    if form.is_bound and not form.is_valid():
        rows = rows.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assessments/evaluation_reserve_list.html",
                  {"form": form, "page_obj": page, "query": request.GET.urlencode()})


@login_required
def reserve_list_export(request):
    """The reserve list (with the page's filters) as .xlsx."""
    form = ReserveListFilterForm(request.GET or None)
    rows = selectors.reserve_list(user=request.user, filters=form.filters() if form.is_valid() else None)
    response = HttpResponse(selectors.reserve_list_workbook(rows), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="reserve-list.xlsx"'
    return response
