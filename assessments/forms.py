"""Forms of assessments."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.forms import unit_field
from cadres.models import Cadre
from cadres.selectors import cadre_list
from core.forms import AutocompleteChoiceField, DateInput, ScopedFormMixin
from core.models import Unit

from . import permissions
from .models import (
    YEAR_VALIDATORS,
    AnnualAssessment,
    AppraisalRound,
    Cadence,
    QuarterlyAssessment,
    Rating,
    ReserveListEntry,
    TeamAssessment,
    TeamMeasureProposal,
)
from .selectors.annual import AnnualRow, QuarterlyRow
from .services.appraisal import MAX_VOTERS

# appraisal ----


class AppraisalOpenForm(forms.Form):
    """发起民主测评: the unit's active cadres are rated; `voters` codes are made."""

    unit = forms.ModelChoiceField(label=_("单位"), queryset=None, empty_label=_("请选择"))
    year = forms.IntegerField(label=_("年度"), validators=YEAR_VALIDATORS)
    kind = forms.ChoiceField(label=_("测评类型"), choices=AppraisalRound.Kind.choices)
    closes_at = forms.DateTimeField(
        label=_("截止时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=_("截止后不能再投票，测评结果在截止后显示。"),
    )
    voters = forms.IntegerField(label=_("测评票数"), min_value=1, max_value=MAX_VOTERS,
                                 help_text=_("每位参评人员一个测评码，只在发起后显示一次。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = permissions.visible_units(user).order_by("path")
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["closes_at"].initial = timezone.localtime().replace(
            second=0, microsecond=0, minute=0) + dt.timedelta(days=3)


class BallotForm(forms.Form):
    """The ballot: every cadre of the round and the team rated 好 / 较好 / 一般 / 差 (all
    required: a blank would read as a rating nobody gave)."""

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.cadres = list(cadres)
        for cadre in self.cadres:
            self.fields[f"cadre_{cadre.pk}"] = forms.ChoiceField(
                label=cadre.name, choices=Rating.choices, widget=forms.RadioSelect,
                error_messages={"required": _("请评价该干部。")},
            )
        self.fields["team"] = forms.ChoiceField(
            label=_("领导班子"), choices=Rating.choices, widget=forms.RadioSelect,
            error_messages={"required": _("请评价领导班子。")},
        )

    def cadre_fields(self):
        return [(cadre, self[f"cadre_{cadre.pk}"]) for cadre in self.cadres]

    def marks(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data[f"cadre_{c.pk}"] for c in self.cadres}


# team ----


class TeamAssessmentForm(ScopedFormMixin, forms.Form):
    """A unit's team grade for a year: entered, or re-entered (the ranks and 末位 measures of its
    category are recomputed). Shapes only; services.team decides."""

    unit = unit_field(label=_("单位"), help_text=_("须已设置考核类别；在同一上级单位的同类别单位中排名。"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    grade = forms.ChoiceField(label=_("等次"), choices=TeamAssessment.Grade.choices,
                               widget=forms.RadioSelect,
                               error_messages={"required": _("请选择等次。")})
    score = forms.DecimalField(label=_("得分"), required=False, min_value=0, max_value=100,
                                max_digits=5, decimal_places=2,
                                help_text=_("0 到 100，可不填；同等次内得分高者在前，无得分者在后。"))


class TeamRankingForm(forms.Form):
    category = forms.ChoiceField(label=_("考核类别"), choices=Unit.Category.choices)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)


class TeamProposalFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False,
        choices=[("", _("全部")), *TeamMeasureProposal.Status.choices],
    )

    def filters(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class TeamDismissForm(forms.Form):
    reason = forms.CharField(label=_("不予采纳理由"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              error_messages={"required": _("请填写不予采纳的理由。")})

# annual-excel ----------------------------------------------------------------------------


class AnnualImportForm(forms.Form):
    """The upload; the service checks the file's size and content (services/annual_excel.py)."""

    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        help_text=_("第 1 行表头：身份证号、姓名、年度、等次（评语可选）；每行一名干部。"),
        widget=forms.ClearableFileInput(attrs={
            "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    )


class AnnualExportForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None)
    year = forms.IntegerField(label=_("年度"), validators=YEAR_VALIDATORS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = permissions.visible_units(user).order_by("path")

# annual grid ----


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

# evaluation ----


_ANY = [("", _("全部"))]


def _cadre_autocomplete(**kwargs) -> AutocompleteChoiceField:
    return AutocompleteChoiceField(
        Cadre.objects.none(), url_name="cadres:cadre-autocomplete", placeholder=_("输入干部姓名搜索"),
        error_messages={"invalid_choice": _("所选干部不存在或不在您的管辖范围内。"),
                        "required": _("请选择干部。")},
        **kwargs,
    )


def _score_field(label):
    return forms.DecimalField(label=label, min_value=0, max_value=100, max_digits=5, decimal_places=2,
                              error_messages={"min_value": _("分数须在 0 到 100 之间。"),
                                              "max_value": _("分数须在 0 到 100 之间。"),
                                              "required": _("请填写分数。")})


class EvaluationRoundForm(ScopedFormMixin, forms.Form):
    unit = unit_field(label=_("组织单位"))
    name = forms.CharField(label=_("名称"), max_length=120)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    held_on = forms.DateField(label=_("评估日期"), required=False, widget=DateInput(),
                              help_text=_("留空为今天。"))

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class EvaluationForm(ScopedFormMixin, forms.Form):
    """One team's or one cadre's six scores; the service refuses both or neither."""

    subject = forms.ChoiceField(label=_("评估对象"), widget=forms.RadioSelect,
                                choices=[("cadre", _("干部")), ("team", _("班子"))], initial="cadre")
    cadre = _cadre_autocomplete(label=_("干部"), required=False)
    unit = unit_field(label=_("班子（单位）"), required=False)
    political = _score_field(_("政治"))
    operation = _score_field(_("运行"))
    professional = _score_field(_("专业"))
    structure = _score_field(_("结构"))
    performance = _score_field(_("实绩"))
    problems = _score_field(_("问题"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["cadre"].queryset = cadre_list(user=user)
        self.fields["problems"].help_text = _("分数越高，问题越少；未发现问题为 100。")

    def clean(self):
        data = super().clean()
        if data.get("subject") == "cadre":
            data["unit"] = None
            if not data.get("cadre") and "cadre" not in self.errors:
                self.add_error("cadre", _("请选择干部。"))
        elif data.get("subject") == "team":
            data["cadre"] = None
            if not data.get("unit") and "unit" not in self.errors:
                self.add_error("unit", _("请选择班子所在单位。"))
        return data

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "subject"}


class CandidateQueryForm(forms.Form):
    top_percent = forms.DecimalField(label=_("前百分比（%）"), required=False, min_value=Decimal("0.01"),
                                     max_value=100, max_digits=5, decimal_places=2)
    threshold = forms.DecimalField(label=_("分数线"), required=False, min_value=0, max_value=100,
                                   max_digits=5, decimal_places=2)


class ShortlistForm(forms.Form):
    evaluations = forms.MultipleChoiceField(label=_("确认入选"), widget=forms.CheckboxSelectMultiple,
                                            error_messages={"required": _("请至少选择一名干部。")})
    listed_on = forms.DateField(label=_("列入日期"), required=False, widget=DateInput(),
                                help_text=_("留空为今天。"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluations"].choices = [
            (str(e.pk), f"{e.cadre.name}（{e.cadre.unit.name}）{e.total}") for e in candidates
        ]


class ReserveListFilterForm(forms.Form):
    q = forms.CharField(label=_("干部姓名"), required=False, max_length=60)
    source = forms.ChoiceField(label=_("来源"), required=False, choices=_ANY + ReserveListEntry.Source.choices)

    def filters(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v}


# frontline ----

class FrontlineProjectForm(ScopedFormMixin, forms.Form):
    name = forms.CharField(label=_("工程名称"), max_length=120)
    unit = unit_field(label=_("牵头单位"))
    start_date = forms.DateField(label=_("开工日期"), widget=DateInput())
    end_date = forms.DateField(label=_("完工日期"), required=False, widget=DateInput(),
                               help_text=_("在建工程留空。"))
    description = forms.CharField(label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class FrontlineAttachForm(forms.Form):
    cadre = _cadre_autocomplete(label=_("干部"))
    attached_on = forms.DateField(label=_("参加日期"), required=False, widget=DateInput(),
                                  help_text=_("留空为开工日期。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadre_list(user=user)


class FrontlineRecordForm(forms.Form):
    cadre = forms.ModelChoiceField(Cadre.objects.none(), label=_("干部"),
                                   error_messages={"invalid_choice": _("该干部不在该工程的考察名单中。"),
                                                   "required": _("请选择干部。")})
    cadence = forms.ChoiceField(label=_("类别"), choices=Cadence.choices)
    date = forms.DateField(label=_("日期"), widget=DateInput())
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres


class FrontlineOutcomeForm(forms.Form):
    cadres = forms.ModelMultipleChoiceField(Cadre.objects.none(), label=_("干部"),
                                            widget=forms.CheckboxSelectMultiple,
                                            error_messages={"required": _("请至少选择一名干部。")})
    red_flag = forms.BooleanField(label=_("评为红旗标兵"), required=False)
    reserve = forms.BooleanField(label=_("列入干部推荐参考名单"), required=False)
    listed_on = forms.DateField(label=_("列入日期"), required=False, widget=DateInput(),
                                help_text=_("留空为今天。"))

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadres"].queryset = cadres
