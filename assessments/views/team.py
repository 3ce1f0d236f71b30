"""Pages: the team part of assessments (班子年度考核 and 末位倒逼).

- team-ranking: a category's year, one table per jurisdiction, rank and the 末位 measure shown;
- team-entry: enter or re-enter a unit's team grade (staff, administrators);
- team-proposals: the measure proposals, confirmed or dismissed with a reason by staff.
Reads go through selectors.team (scoped: 404 outside), writes through services.team, whose
refusals come back onto the page with nothing saved."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.models import Unit
from core.views import ServiceFormView, form_refusals

from .. import permissions
from ..forms import TeamAssessmentForm, TeamDismissForm, TeamProposalFilterForm, TeamRankingForm
from ..models import TeamMeasureProposal
from ..selectors import team as selectors
from ..selectors.team import TeamRow
from ..services import team as services

PAGE_SIZE = 50


def _default_ranking(user) -> dict:
    """The latest year the user sees a team grade in, and its first category with grades."""
    visible = selectors.team_assessment_list(user=user)
    year = visible.aggregate(latest=Max("year"))["latest"]
    if year is None:
        return {"category": Unit.Category.values[0], "year": 2025}
    categories = set(visible.filter(year=year).values_list("category", flat=True))
    category = next(c for c in Unit.Category.values if c in categories)
    return {"category": category, "year": year}


@login_required
def team_ranking(request):
    """A category's year: the ranking of each jurisdiction's units, with the 末位 measures."""
    form = TeamRankingForm(request.GET or _default_ranking(request.user))
    tables = []
    if form.is_valid():
        tables = selectors.team_ranking(user=request.user, **form.cleaned_data)
    status = 400 if request.GET and not form.is_valid() else 200
    return render(
        request,
        "assessments/team_ranking.html",
        {
            "form": form,
            "tables": tables,
            "can_write": permissions.can_write(request.user),
            "bottom_n": selectors.bottom_n(),
        },
        status=status,
    )


class TeamAssessmentEntryView(ServiceFormView):
    """Enter or re-enter a unit's team grade; the category's ranks and measures follow."""

    required_roles = permissions.WRITE_ROLES
    form_class = TeamAssessmentForm
    template_name = "assessments/team_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {
            "unit": self.request.GET.get("unit") or None,
            "year": self.request.GET.get("year") or None,
        }

    def perform(self, form):
        data = form.cleaned_data
        result = services.team_assessment_save(
            actor=self.request.user,
            rows=[
                TeamRow(
                    unit=data["unit"], year=data["year"], grade=data["grade"], score=data["score"]
                )
            ],
        )
        saved = result.objects[0]
        if result.created:
            messages.success(self.request, _("班子考核等次已录入，同类别排名已重新计算。"))
        elif result.updated:
            messages.success(self.request, _("班子考核等次已更新，同类别排名已重新计算。"))
        else:
            messages.info(self.request, _("等次与得分未变化，未作修改。"))
        return saved


@login_required
def team_proposals(request, *, refused_form=None, refused_pk=None, status=200):
    """The measure proposals the user may see, pending first by default."""
    form = TeamProposalFilterForm(request.GET or {"status": TeamMeasureProposal.Status.PENDING})
    rows = selectors.team_proposal_list(
        user=request.user, filters=form.filters() if form.is_valid() else None
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    can_write = permissions.can_write(request.user)
    for proposal in page:
        proposal.dismiss_form = (
            refused_form
            if refused_pk == proposal.pk and isinstance(refused_form, TeamDismissForm)
            else TeamDismissForm(prefix=f"p{proposal.pk}")
        )
        proposal.refusal = refused_form if refused_pk == proposal.pk else None
    return render(
        request,
        "assessments/team_proposals.html",
        {
            "form": form,
            "page_obj": page,
            "can_write": can_write,
        },
        status=status,
    )


def _back(request):
    return redirect(reverse("assessments:team-proposals"))


@login_required
@require_POST
def team_proposal_confirm(request, pk):
    proposal = selectors.team_proposal_get(user=request.user, pk=pk)
    form = forms.Form(request.POST)
    with form_refusals(form) as refused:
        services.team_proposal_confirm(actor=request.user, proposal=proposal)
    if refused:
        return team_proposals(
            request, refused_form=form, refused_pk=proposal.pk, status=refused.status
        )
    messages.success(
        request,
        _("已确认：%(who)s %(measure)s。")
        % {"who": proposal.cadre.name, "measure": proposal.get_measure_display()},
    )
    return _back(request)


@login_required
@require_POST
def team_proposal_dismiss(request, pk):
    proposal = selectors.team_proposal_get(user=request.user, pk=pk)
    form = TeamDismissForm(request.POST, prefix=f"p{proposal.pk}")
    if not form.is_valid():
        return team_proposals(request, refused_form=form, refused_pk=proposal.pk, status=400)
    with form_refusals(form, field="reason") as refused:
        services.team_proposal_dismiss(
            actor=request.user, proposal=proposal, reason=form.cleaned_data["reason"]
        )
    if refused:
        return team_proposals(
            request, refused_form=form, refused_pk=proposal.pk, status=refused.status
        )
    messages.success(
        request,
        _("已不予采纳：%(who)s %(measure)s。")
        % {"who": proposal.cadre.name, "measure": proposal.get_measure_display()},
    )
    return _back(request)
