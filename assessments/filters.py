"""FilterSets of assessments, shared by the API and the pages."""


# evaluation ----

import django_filters  # noqa: E402
from django.utils.translation import gettext_lazy as _lazy  # noqa: E402

from cadres.filters import _subtree_of  # noqa: E402
from core.filters import IdFilter  # noqa: E402

from .models import Cadence, FrontlineProject, FrontlineRecord, PostElectionEvaluation, ReserveListEntry  # noqa: E402


class EvaluationFilter(django_filters.FilterSet):
    round = IdFilter(field_name="round_id", label=_lazy("评估轮次"))
    cadre = IdFilter(field_name="cadre_id", label=_lazy("干部"))
    unit = IdFilter(field_name="unit_id", label=_lazy("班子（单位）"))
    subject = django_filters.ChoiceFilter(
        method="subject_kind", choices=[("team", _lazy("班子")), ("cadre", _lazy("干部"))],
        label=_lazy("评估对象"),
    )
    shortlisted = django_filters.BooleanFilter(
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
