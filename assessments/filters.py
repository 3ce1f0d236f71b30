"""FilterSets of assessments, shared by the API and the pages."""

import django_filters
from django import forms
from django.db.models import Subquery
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_lazy as _lazy

from cadres.filters import _subtree_of
from core.filters import BooleanFilter, IdFilter
from core.models import Unit

from .models import (
    AnnualAssessment,
    AnnualReview,
    Cadence,
    FrontlineProject,
    FrontlineRecord,
    PostElectionEvaluation,
    QuarterlyAssessment,
    ReserveListEntry,
    TeamAssessment,
    TeamMeasureProposal,
)

# team ----


class TeamAssessmentFilter(django_filters.FilterSet):
    unit = IdFilter(field_name="unit_id", label=_("单位"))
    year = IdFilter(field_name="year", label=_("年度"))
    category = django_filters.ChoiceFilter(choices=Unit.Category.choices, label=_("考核类别"))
    grade = django_filters.ChoiceFilter(choices=TeamAssessment.Grade.choices, label=_("等次"))

    class Meta:
        model = TeamAssessment
        fields = ["unit", "year", "category", "grade"]


class TeamMeasureProposalFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=TeamMeasureProposal.Status.choices, label=_("状态")
    )
    unit = IdFilter(field_name="assessment__unit_id", label=_("单位"))
    year = IdFilter(field_name="assessment__year", label=_("年度"))
    cadre = IdFilter(field_name="cadre_id", label=_("干部"))
    basis_lost = BooleanFilter(label=_("依据已不存在"))

    class Meta:
        model = TeamMeasureProposal
        fields = ["status", "unit", "year", "cadre", "basis_lost"]

# annual ----


class _WholeNumberFilter(django_filters.NumberFilter):
    """A year or a quarter: a whole number (NumberFilter alone takes 2025.5)."""

    field_class = forms.IntegerField


def _unit_subtree(queryset, name, value):
    """Rows graded in the given unit or below it."""
    if value in (None, ""):
        return queryset
    path = Subquery(Unit.objects.filter(pk=getattr(value, "pk", value)).values("path")[:1])
    return queryset.filter(unit__path__startswith=path)


class AnnualAssessmentFilter(django_filters.FilterSet):
    cadre = IdFilter(field_name="cadre_id", label=_("干部"))
    unit = IdFilter(field_name="unit_id", label=_("考核单位"))
    unit_tree = IdFilter(method=_unit_subtree, label=_("考核单位及下级"))
    year = _WholeNumberFilter(field_name="year", min_value=2000, max_value=2100, label=_("年度"))
    grade = django_filters.ChoiceFilter(choices=AnnualAssessment.Grade.choices, label=_("等次"))

    class Meta:
        model = AnnualAssessment
        fields = ["cadre", "unit", "unit_tree", "year", "grade"]


class QuarterlyAssessmentFilter(django_filters.FilterSet):
    cadre = IdFilter(field_name="cadre_id", label=_("干部"))
    unit = IdFilter(field_name="unit_id", label=_("考核单位"))
    unit_tree = IdFilter(method=_unit_subtree, label=_("考核单位及下级"))
    year = _WholeNumberFilter(field_name="year", min_value=2000, max_value=2100, label=_("年度"))
    quarter = _WholeNumberFilter(field_name="quarter", min_value=1, max_value=4, label=_("季度"))
    grade = django_filters.ChoiceFilter(choices=QuarterlyAssessment.Grade.choices, label=_("等次"))

    class Meta:
        model = QuarterlyAssessment
        fields = ["cadre", "unit", "unit_tree", "year", "quarter", "grade"]


class AnnualReviewFilter(django_filters.FilterSet):
    cadre = IdFilter(field_name="assessment__cadre_id", label=_("干部"))
    year = _WholeNumberFilter(field_name="assessment__year", min_value=2000, max_value=2100,
                                       label=_("年度"))
    state = django_filters.ChoiceFilter(choices=AnnualReview.State.choices, label=_("状态"))

    class Meta:
        model = AnnualReview
        fields = ["cadre", "year", "state"]

# evaluation ----


class EvaluationFilter(django_filters.FilterSet):
    round = IdFilter(field_name="round_id", label=_lazy("评估轮次"))
    cadre = IdFilter(field_name="cadre_id", label=_lazy("干部"))
    unit = IdFilter(field_name="unit_id", label=_lazy("班子（单位）"))
    subject = django_filters.ChoiceFilter(
        method="subject_kind", choices=[("team", _lazy("班子")), ("cadre", _lazy("干部"))],
        label=_lazy("评估对象"),
    )
    shortlisted = BooleanFilter(
        field_name="shortlisted_at", lookup_expr="isnull", exclude=True, label=_lazy("已入选出彩型")
    )

    class Meta:
        model = PostElectionEvaluation
        fields = ["round", "cadre", "unit", "subject", "shortlisted"]

    def subject_kind(self, queryset, name, value):
        if value == "team":
            return queryset.filter(unit__isnull=False)
        if value == "cadre":
            return queryset.filter(cadre__isnull=False)
        return queryset


class ReserveListFilter(django_filters.FilterSet):
    source = django_filters.ChoiceFilter(choices=ReserveListEntry.Source.choices, label=_lazy("来源"))
    cadre = IdFilter(field_name="cadre_id", label=_lazy("干部"))
    unit_tree = IdFilter(method=_subtree_of("cadre__unit__"), label=_lazy("单位及下级"))
    listed_from = django_filters.DateFilter(field_name="listed_on", lookup_expr="gte", label=_lazy("列入日期起"))
    listed_to = django_filters.DateFilter(field_name="listed_on", lookup_expr="lte", label=_lazy("列入日期止"))
    q = django_filters.CharFilter(field_name="cadre__name", lookup_expr="contains", label=_lazy("干部姓名"))

    class Meta:
        model = ReserveListEntry
        fields = ["source", "cadre", "unit_tree", "listed_from", "listed_to", "q"]


# frontline ----


class FrontlineProjectFilter(django_filters.FilterSet):
    unit = IdFilter(field_name="unit_id", label=_lazy("牵头单位"))
    unit_tree = IdFilter(method=_subtree_of("unit__"), label=_lazy("单位及下级"))
    cadre = IdFilter(field_name="assignments__cadre_id", distinct=True, label=_lazy("干部"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="contains", label=_lazy("工程名称"))

    class Meta:
        model = FrontlineProject
        fields = ["unit", "unit_tree", "cadre", "q"]


class FrontlineRecordFilter(django_filters.FilterSet):
    project = IdFilter(field_name="project_id", label=_lazy("重点工程"))
    cadre = IdFilter(field_name="cadre_id", label=_lazy("干部"))
    cadence = django_filters.ChoiceFilter(choices=Cadence.choices, label=_lazy("类别"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_lazy("日期起"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_lazy("日期止"))

    class Meta:
        model = FrontlineRecord
        fields = ["project", "cadre", "cadence", "date_from", "date_to"]
