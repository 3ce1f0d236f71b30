"""FilterSets of assessments, shared by the API and the pages."""


# team ----
import django_filters  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402

from core.filters import IdFilter  # noqa: E402
from core.models import Unit  # noqa: E402

from .models import TeamAssessment, TeamMeasureProposal  # noqa: E402


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
    basis_lost = django_filters.BooleanFilter(label=_("依据已不存在"))

    class Meta:
        model = TeamMeasureProposal
        fields = ["status", "unit", "year", "cadre", "basis_lost"]

# annual ----

import django_filters  # noqa: E402
from django.db.models import Subquery  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402

from django import forms  # noqa: E402

from core.filters import IdFilter  # noqa: E402
from core.models import Unit  # noqa: E402

from .models import AnnualAssessment, AnnualReview, QuarterlyAssessment  # noqa: E402


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
