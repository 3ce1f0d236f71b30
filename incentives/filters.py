"""FilterSets of incentives, shared by the API and the pages."""


# ledger ----
import django_filters  # noqa: E402
from django import forms as _forms  # noqa: E402
from django.db.models import Subquery  # noqa: E402
from django.utils.translation import gettext_lazy as _ledger_  # noqa: E402

from core.filters import IdFilter  # noqa: E402
from core.models import Unit  # noqa: E402

from .models import LedgerRow, RuleProposal  # noqa: E402


class _YearFilter(django_filters.NumberFilter):
    field_class = _forms.IntegerField


def _ledger_unit_subtree(queryset, name, value):
    """Rows of cadres tallied in the given unit or below it."""
    if value in (None, ""):
        return queryset
    path = Subquery(Unit.objects.filter(pk=getattr(value, "pk", value)).values("path")[:1])
    return queryset.filter(unit__path__startswith=path)


class LedgerFilter(django_filters.FilterSet):
    year = _YearFilter(field_name="year", min_value=2000, max_value=2100, label=_ledger_("年度"))
    unit_tree = IdFilter(method=_ledger_unit_subtree, label=_ledger_("单位及下级"))
    cadre = IdFilter(field_name="cadre_id", label=_ledger_("干部"))

    class Meta:
        model = LedgerRow
        fields = ["year", "unit_tree", "cadre"]


class RuleProposalFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=RuleProposal.State.choices, label=_ledger_("状态"))
    year = _YearFilter(field_name="year", min_value=2000, max_value=2100, label=_ledger_("年度"))
    cadre = IdFilter(field_name="cadre_id", label=_ledger_("干部"))

    class Meta:
        model = RuleProposal
        fields = ["state", "year", "cadre"]
