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
