"""FilterSets for units, cadres and appointments, shared by the API and the HTML lists."""

import django_filters
from django.db.models import Q, Subquery
from django.utils.translation import gettext_lazy as _

from core.filters import BooleanFilter, IdFilter

from .models import Appointment, Cadre, PostLevel, Unit
from .search import name_q


def _subtree_of(field: str):
    """A filter method: rows whose unit (through field) is the given unit or below it."""

    def method(queryset, name, value):
        if value in (None, ""):
            return queryset
        path = Subquery(Unit.objects.filter(pk=value.pk if hasattr(value, "pk") else value).values("path")[:1])
        return queryset.filter(**{f"{field}path__startswith": path})

    return method


class UnitFilter(django_filters.FilterSet):
    parent = IdFilter(field_name="parent_id", label=_("上级单位"))
    kind = django_filters.ChoiceFilter(choices=Unit.Kind.choices, label=_("单位类型"))
    category = django_filters.ChoiceFilter(choices=Unit.Category.choices, label=_("考核类别"))
    q = django_filters.CharFilter(method="search", label=_("搜索"))

    class Meta:
        model = Unit
        fields = ["parent", "kind", "category", "q"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(code__iexact=value)) if value else queryset


class CadreFilter(django_filters.FilterSet):
    unit = IdFilter(field_name="unit_id", label=_("单位"))
    unit_tree = IdFilter(method=_subtree_of("unit__"), label=_("单位及下级"))
    post_level = django_filters.ChoiceFilter(choices=PostLevel.choices, label=_("职务层次"))
    status = django_filters.ChoiceFilter(choices=Cadre.Status.choices, label=_("状态"))
    is_reserve = BooleanFilter(label=_("后备干部"))
    q = django_filters.CharFilter(method="search", label=_("姓名"))

    class Meta:
        model = Cadre
        fields = ["unit", "unit_tree", "post_level", "status", "is_reserve", "q"]

    # Filters the per-unit counts can answer (cadres.counts); any other one needs COUNT(*).
    UNIT_ONLY = frozenset({"unit", "unit_tree"})

    # Set by cadres.selectors.cadre_list_counted when a one-character search matches so many
    # cadres that walking the list in its order finds a page sooner than the index would.
    common_char = False

    def search(self, queryset, name, value):
        """The name in either spelling (谢 finds 謝), or a whole ID number (cadres.search)."""
        value = value.strip()
        if not value:
            return queryset
        q = name_q(value, using=queryset.db, common=self.common_char)
        return queryset.filter(q)


class AppointmentFilter(django_filters.FilterSet):
    cadre = IdFilter(field_name="cadre_id", label=_("干部"))
    unit = IdFilter(field_name="unit_id", label=_("任职单位"))
    kind = django_filters.ChoiceFilter(choices=Appointment.Kind.choices, label=_("任职类型"))

    class Meta:
        model = Appointment
        fields = ["cadre", "unit", "kind"]


