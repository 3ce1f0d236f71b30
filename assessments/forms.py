"""Forms of assessments."""


# annual grid ----

from django import forms  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402

from cadres.forms import unit_field  # noqa: E402
from core.forms import ScopedFormMixin  # noqa: E402

from .models import YEAR_VALIDATORS, AnnualAssessment, QuarterlyAssessment  # noqa: E402
from .selectors.annual import AnnualRow, QuarterlyRow  # noqa: E402

GRID_KINDS = [
    ("annual", _("年度考核")),
    ("1", _("第一季度平时考核")),
    ("2", _("第二季度平时考核")),
    ("3", _("第三季度平时考核")),
    ("4", _("第四季度平时考核")),
]


def _year_field(**kwargs):
    return forms.IntegerField(
        label=_("年度"), validators=YEAR_VALIDATORS,
        error_messages={"invalid": _("请输入四位年份，如 2025。")}, **kwargs,
    )


class GridChooseForm(ScopedFormMixin, forms.Form):
    """The grid chooser: a unit of the user's scope, a year, annual or one quarter."""

    unit = unit_field()
    year = _year_field()
    kind = forms.ChoiceField(label=_("考核"), choices=GRID_KINDS, initial="annual")


class AnnualFilterForm(ScopedFormMixin, forms.Form):
    """The annual grade list's filters."""

    unit = unit_field(required=False)
    tree = forms.BooleanField(label=_("含下级单位"), required=False)
    year = _year_field(required=False)
    grade = forms.ChoiceField(
        label=_("等次"), required=False, choices=[("", _("全部"))] + AnnualAssessment.Grade.choices
    )

    def filters(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}


class _GridForm(forms.Form):
    """One grade select per cadre (`grade-<cadre id>`), built from the cadres on the grid. A
    blank grade leaves an ungraded cadre ungraded; a graded cadre cannot be blanked here."""

    grade_choices: list = []
    saved_label = _("已录入的等次不能清空。")

    def __init__(self, data, *, cadres, saved_ids: set[int]):
        super().__init__(data)
        self.cadres = cadres
        for cadre in cadres:
            self.fields[f"grade-{cadre.pk}"] = forms.ChoiceField(
                choices=[("", "—")] + self.grade_choices, required=cadre.pk in saved_ids,
                error_messages={"required": self.saved_label,
                                "invalid_choice": _("等次无效。")},
            )

    def row_errors(self) -> dict[int, list[str]]:
        return {cadre.pk: [str(m) for m in self.errors.get(f"grade-{cadre.pk}", [])]
                for cadre in self.cadres if f"grade-{cadre.pk}" in self.errors}


class AnnualGridForm(_GridForm):
    grade_choices = AnnualAssessment.Grade.choices

    def __init__(self, data, *, cadres, saved_ids):
        super().__init__(data, cadres=cadres, saved_ids=saved_ids)
        for cadre in cadres:
            self.fields[f"comment-{cadre.pk}"] = forms.CharField(
                required=False, max_length=2000,
                error_messages={"max_length": _("评语不能超过 %(limit_value)d 字。")},
            )

    def row_errors(self):
        errors = super().row_errors()
        for cadre in self.cadres:
            for message in self.errors.get(f"comment-{cadre.pk}", []):
                errors.setdefault(cadre.pk, []).append(str(message))
        return errors

    def posted(self) -> dict[int, tuple[str, str]]:
        """What was sent, cadre by cadre, to show again after a refusal (valid or not)."""
        return {cadre.pk: (self.data.get(f"grade-{cadre.pk}", ""),
                           self.data.get(f"comment-{cadre.pk}", ""))
                for cadre in self.cadres}

    def rows(self, year: int) -> list[AnnualRow]:
        """The grades to save: the comment goes with 不定等次 only."""
        rows = []
        for cadre in self.cadres:
            grade = self.cleaned_data[f"grade-{cadre.pk}"]
            if grade:
                comment = self.cleaned_data[f"comment-{cadre.pk}"].strip()
                rows.append(AnnualRow(
                    cadre=cadre, year=year, grade=grade,
                    comment=comment if grade == AnnualAssessment.Grade.NOT_GRADED else "",
                ))
        return rows


class QuarterlyGridForm(_GridForm):
    grade_choices = QuarterlyAssessment.Grade.choices

    def posted(self) -> dict[int, str]:
        return {cadre.pk: self.data.get(f"grade-{cadre.pk}", "") for cadre in self.cadres}

    def rows(self, year: int, quarter: int) -> list[QuarterlyRow]:
        return [QuarterlyRow(cadre=cadre, year=year, quarter=quarter, grade=grade)
                for cadre in self.cadres if (grade := self.cleaned_data[f"grade-{cadre.pk}"])]
