"""FilterSets of incentives, shared by the API and the pages."""

import django_filters
from django import forms
from django.db.models import Q, Subquery
from django.utils.translation import gettext_lazy

from core.filters import IdFilter
from core.models import Unit

from .models import IncentiveRecord, LedgerRow, RuleProposal, TimelyReward

# records, timely rewards ----


class _YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def _concerning_unit(queryset, name, value):
    """Records of the team (unit) itself or of a cadre in it."""
    return queryset.filter(Q(unit_id=value) | Q(cadre__unit_id=value))


def _concerning_subtree(queryset, name, value):
    """Records of a team or a cadre in the unit or below it."""
    path = Subquery(Unit.objects.filter(pk=value).values("path")[:1])
    return queryset.filter(Q(unit__path__startswith=path) | Q(cadre__unit__path__startswith=path))


class IncentiveRecordFilter(django_filters.FilterSet):
    cadre = IdFilter(field_name="cadre_id", label=gettext_lazy("干部"))
    unit = IdFilter(method=_concerning_unit, label=gettext_lazy("单位（班子或其干部）"))
    unit_tree = IdFilter(method=_concerning_subtree, label=gettext_lazy("单位及下级"))
    measure = django_filters.CharFilter(field_name="measure__code", label=gettext_lazy("措施代码"))
    year = _YearFilter(field_name="date__year", min_value=2000, max_value=2100, label=gettext_lazy("年度"))
    source = django_filters.ChoiceFilter(choices=IncentiveRecord.Source.choices, label=gettext_lazy("来源"))
    situation = django_filters.CharFilter(field_name="situation__code",
                                          label=gettext_lazy("不适宜担任现职情形代码"))

    class Meta:
        model = IncentiveRecord
        fields = ["cadre", "unit", "unit_tree", "measure", "year", "source", "situation"]


class TimelyRewardFilter(django_filters.FilterSet):
    cadre = IdFilter(field_name="cadre_id", label=gettext_lazy("干部"))
    unit_tree = IdFilter(method=_concerning_subtree, label=gettext_lazy("单位及下级"))
    state = django_filters.ChoiceFilter(choices=TimelyReward.State.choices, label=gettext_lazy("状态"))
    condition = django_filters.ChoiceFilter(choices=TimelyReward.Condition.choices,
                                            label=gettext_lazy("奖励情形"))
    year = _YearFilter(field_name="date__year", min_value=2000, max_value=2100, label=gettext_lazy("年度"))

    class Meta:
        model = TimelyReward
        fields = ["cadre", "unit_tree", "state", "condition", "year"]

# ledger ----


class _YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def _ledger_unit_subtree(queryset, name, value):
    """Rows of cadres tallied in the given unit or below it: the unit's path is read first, so
    the rows are one range of the (year, unit_path) index (a path in a subquery is no prefix
    the planner can use)."""
    if value in (None, ""):
        return queryset
    path = getattr(value, "path", None)
    if path is None:
        path = Unit.objects.filter(pk=value).values_list("path", flat=True).first()
    if not path:
        return queryset.none()
    return queryset.filter(unit_path__startswith=path)


class LedgerFilter(django_filters.FilterSet):
    year = _YearFilter(field_name="year", min_value=2000, max_value=2100, label=gettext_lazy("年度"))
    unit_tree = IdFilter(method=_ledger_unit_subtree, label=gettext_lazy("单位及下级"))
    cadre = IdFilter(field_name="cadre_id", label=gettext_lazy("干部"))

    class Meta:
        model = LedgerRow
        fields = ["year", "unit_tree", "cadre"]


class RuleProposalFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=RuleProposal.State.choices, label=gettext_lazy("状态"))
    year = _YearFilter(field_name="year", min_value=2000, max_value=2100, label=gettext_lazy("年度"))
    cadre = IdFilter(field_name="cadre_id", label=gettext_lazy("干部"))

    class Meta:
        model = RuleProposal
        fields = ["state", "year", "cadre"]
