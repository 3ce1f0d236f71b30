"""FilterSets for clarifications and sanctions, shared by the API and the pages."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import BooleanFilter, IdFilter

from .models import Clarification, Sanction


class ClarificationFilter(django_filters.FilterSet):
    cadre = IdFilter(field_name="cadre_id", label=_("干部"))
    manner = django_filters.ChoiceFilter(choices=Clarification.Manner.choices, label=_("澄清方式"))
    malicious = BooleanFilter(label=_("诬告陷害"))
    q = django_filters.CharFilter(
        field_name="cadre__name", lookup_expr="contains", label=_("干部姓名")
    )

    class Meta:
        model = Clarification
        fields = ["cadre", "manner", "malicious", "q"]


class SanctionFilter(django_filters.FilterSet):
    cadre = IdFilter(field_name="cadre_id", label=_("干部"))
    kind = django_filters.ChoiceFilter(choices=Sanction.Kind.choices, label=_("处分种类"))
    q = django_filters.CharFilter(
        field_name="cadre__name", lookup_expr="contains", label=_("干部姓名")
    )

    class Meta:
        model = Sanction
        fields = ["cadre", "kind", "q"]
