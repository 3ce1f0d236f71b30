"""Pages of 一线考察: key projects with their overdue 四个一 cadences, one project with its cadres,
records and history, and the forms to attach a cadre, add a record and give an outcome."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.services import require_role
from core.views import ServiceFormView, form_refusals

from .. import permissions
from ..forms import FrontlineAttachForm, FrontlineOutcomeForm, FrontlineProjectForm, FrontlineRecordForm
from ..selectors import frontline as selectors
from ..services import frontline as services

PAGE_SIZE = 50


@login_required
def frontline_project_list(request):
    """重点工程 the user may see, each with how many cadences are overdue (the entry page)."""
    page = Paginator(selectors.frontline_project_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    overdue = selectors.overdue_by_project(page.object_list, user=request.user)
    rows = [(project, overdue[project.pk]) for project in page.object_list]
    return render(request, "assessments/frontline_project_list.html",
                  {"page_obj": page, "rows": rows, "can_create": permissions.can_write(request.user)})


class FrontlineProjectCreateView(ServiceFormView):
    form_class = FrontlineProjectForm
    template_name = "assessments/frontline_form.html"
    success_message = _("重点工程已登记；请在工程页面加入考察干部。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.frontline_project_create(actor=self.request.user, **form.service_data())


def _render_project(request, project, *, attach_form=None, record_form=None, outcome_form=None, status=200):
    can_write = permissions.can_write_unit(request.user, project.unit)
    cadres = selectors.project_cadre_candidates(project).filter(
        pk__in=[a.cadre_id for a in project.visible_assignments])
    records = Paginator(selectors.frontline_record_list(user=request.user, filters={"project": project.pk}),
                        PAGE_SIZE).get_page(request.GET.get("page"))
    if can_write:
        attach_form = attach_form or FrontlineAttachForm(user=request.user, prefix="attach")
        record_form = record_form or FrontlineRecordForm(cadres=cadres, prefix="record")
        outcome_form = outcome_form or FrontlineOutcomeForm(cadres=cadres, prefix="outcome")
    return render(request, "assessments/frontline_project_detail.html", {
        "project": project,
        "overdue": selectors.overdue_by_project([project], user=request.user)[project.pk],
        "page_obj": records,
        "can_write": can_write,
        "attach_form": attach_form if can_write else None,
        "record_form": record_form if can_write else None,
        "outcome_form": outcome_form if can_write and project.visible_assignments else None,
    }, status=status)


@login_required
def frontline_project_detail(request, pk: int):
    return _render_project(request, selectors.frontline_project_get(user=request.user, pk=pk))


def _post(request, pk, form_class, prefix, call, done, **form_kwargs):
    """A project page's form posted: the service's refusal goes back onto the form."""
    project = selectors.frontline_project_get(user=request.user, pk=pk)
    require_role(request.user, *permissions.WRITE_ROLES)
    cadres = selectors.project_cadre_candidates(project).filter(
        pk__in=[a.cadre_id for a in project.visible_assignments])
    kwargs = {"user": request.user} if form_class is FrontlineAttachForm else {"cadres": cadres}
    form = form_class(request.POST, prefix=prefix, **kwargs)
    status = 400
    if form.is_valid():
        with form_refusals(form) as refused:
            call(project, form.cleaned_data)
        if not refused:
            messages.success(request, done)
            return redirect(project.get_absolute_url())
        status = refused.status
    key = {"attach": "attach_form", "record": "record_form", "outcome": "outcome_form"}[prefix]
    return _render_project(request, project, status=status, **{key: form})


@login_required
@require_POST
def frontline_attach(request, pk: int):
    return _post(request, pk, FrontlineAttachForm, "attach", lambda project, data: services.frontline_cadres_attach(
        actor=request.user, project=project, cadres=[(data["cadre"], data["attached_on"])]), _("已加入考察干部。"))


@login_required
@require_POST
def frontline_record_create(request, pk: int):
    return _post(request, pk, FrontlineRecordForm, "record", lambda project, data: services.frontline_record_create(
        actor=request.user, project=project, **data), _("考察记录已保存。"))


@login_required
@require_POST
def frontline_outcome(request, pk: int):
    return _post(request, pk, FrontlineOutcomeForm, "outcome", lambda project, data: services.frontline_outcome(
        actor=request.user, project=project, cadres=list(data["cadres"]), red_flag=data["red_flag"],
        reserve=data["reserve"], listed_on=data["listed_on"]), _("考察结果已记录。"))
