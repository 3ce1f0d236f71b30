"""FilterSets for cases and correction steps, shared by the API and the pages."""

import django_filters
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.models import Unit
from core.filters import BooleanFilter, IdFilter

from .deadlines import cases_with_due_date, deadline_threshold
from .models import Case, Correction, Outcome


def _subtree_exists(unit_id, through, unit_field: str) -> Exists:
    """A subject row (through the m2m table) whose unit is unit_id or below it."""
    path = Subquery(Unit.objects.filter(pk=unit_id).values("path")[:1])
    return Exists(
        through.objects.filter(case_id=OuterRef("pk"), **{f"{unit_field}path__startswith": path})
    )


class CaseFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=Case.State.choices, label=_("状态"))
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label=_("认定结果"))
    field = django_filters.ChoiceFilter(choices=Case.Field.choices, label=_("领域"))
    source = django_filters.ChoiceFilter(choices=Case.Source.choices, label=_("问题来源"))
    cadre = IdFilter(method="by_cadre", label=_("容错对象（干部）"))
    unit_tree = IdFilter(method="by_unit_tree", label=_("单位及下级"))
    deadline = django_filters.ChoiceFilter(
        choices=[("near", _("临近期限")), ("overdue", _("已超期"))],
        method="by_deadline",
        label=_("期限"),
    )
    q = django_filters.CharFilter(method="search", label=_("事项名称"))

    class Meta:
        model = Case
        fields = ["state", "outcome", "field", "source", "cadre", "unit_tree", "deadline", "q"]

    def by_cadre(self, queryset, name, value):
        through = Case.subject_cadres.through
        return queryset.filter(
            Exists(through.objects.filter(case_id=OuterRef("pk"), cadre_id=value))
        )

    def by_unit_tree(self, queryset, name, value):
        return queryset.filter(
            Q(_subtree_exists(value, Case.subject_units.through, "unit__"))
            | Q(_subtree_exists(value, Case.subject_cadres.through, "cadre__unit__"))
        )

    def by_deadline(self, queryset, name, value):
        today = timezone.localdate()
        qs = cases_with_due_date(queryset).exclude(state=Case.State.NOTIFIED)
        if value == "overdue":
            return qs.filter(due_on__lt=today)
        return qs.filter(due_on__gte=today, due_on__lte=deadline_threshold(today, 3))

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(title__contains=value) if value else queryset


class CorrectionFilter(django_filters.FilterSet):
    case = IdFilter(field_name="case_id", label=_("容错申请"))
    step = django_filters.ChoiceFilter(choices=Correction.Step.choices, label=_("步骤"))
    overdue = BooleanFilter(method="by_overdue", label=_("已超期"))

    class Meta:
        model = Correction
        fields = ["case", "step", "overdue"]

    def by_overdue(self, queryset, name, value):
        overdue = Q(done_on__isnull=True, due_on__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
