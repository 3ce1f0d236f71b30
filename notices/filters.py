"""FilterSets of notices, shared by the API and the list page."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter

from .models import Notice


def _in_year(queryset, name, value):
    """Published in that year, or, for a draft, started in it."""
    return queryset.filter(Q(year=value) | Q(year__isnull=True, created_at__year=value))


def _matching(queryset, name, value):
    value = (value or "").strip()
    if not value:
        return queryset
    return queryset.filter(Q(title__icontains=value) | Q(document_number__icontains=value))


class _YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class NoticeFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Notice.Kind.choices, label=_("类型"))
    state = django_filters.ChoiceFilter(choices=Notice.State.choices, label=_("状态"))
    year = _YearFilter(method=_in_year, min_value=2000, max_value=2100,
                       label=_("年度"))
    issuing_unit = IdFilter(field_name="issuing_unit_id", label=_("发文单位"))
    q = django_filters.CharFilter(method=_matching, max_length=100, label=_("标题或文号"))

    class Meta:
        model = Notice
        fields = ["kind", "state", "year", "issuing_unit", "q"]
