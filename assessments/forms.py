"""Forms of assessments."""


# appraisal ----
import datetime as _dt  # noqa: E402

from django import forms as _forms  # noqa: E402
from django.utils import timezone as _timezone  # noqa: E402
from django.utils.translation import gettext_lazy as _lazy  # noqa: E402

from core.scoping import unit_scope as _unit_scope  # noqa: E402

from .models import AppraisalRound, Rating  # noqa: E402
from .models.annual import YEAR_VALIDATORS as _YEAR_VALIDATORS  # noqa: E402
from .services.appraisal import MAX_VOTERS as _MAX_VOTERS  # noqa: E402


class AppraisalOpenForm(_forms.Form):
    """发起民主测评: the unit's active cadres are rated; `voters` codes are made."""

    unit = _forms.ModelChoiceField(label=_lazy("单位"), queryset=None, empty_label=_lazy("请选择"))
    year = _forms.IntegerField(label=_lazy("年度"), validators=_YEAR_VALIDATORS)
    kind = _forms.ChoiceField(label=_lazy("测评类型"), choices=AppraisalRound.Kind.choices)
    closes_at = _forms.DateTimeField(
        label=_lazy("截止时间"),
        widget=_forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=_lazy("截止后不能再投票，测评结果在截止后显示。"),
    )
    voters = _forms.IntegerField(label=_lazy("测评票数"), min_value=1, max_value=_MAX_VOTERS,
                                 help_text=_lazy("每位参评人员一个测评码，只在发起后显示一次。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _unit_scope(user).order_by("path")
        today = _timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["closes_at"].initial = _timezone.localtime().replace(
            second=0, microsecond=0, minute=0) + _dt.timedelta(days=3)


class BallotForm(_forms.Form):
    """The ballot: every cadre of the round and the team rated 好 / 较好 / 一般 / 差 (all
    required: a blank would read as a rating nobody gave)."""

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.cadres = list(cadres)
        for cadre in self.cadres:
            self.fields[f"cadre_{cadre.pk}"] = _forms.ChoiceField(
                label=cadre.name, choices=Rating.choices, widget=_forms.RadioSelect,
                error_messages={"required": _lazy("请评价该干部。")},
            )
        self.fields["team"] = _forms.ChoiceField(
            label=_lazy("领导班子"), choices=Rating.choices, widget=_forms.RadioSelect,
            error_messages={"required": _lazy("请评价领导班子。")},
        )

    def cadre_fields(self):
        return [(cadre, self[f"cadre_{cadre.pk}"]) for cadre in self.cadres]

    def marks(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data[f"cadre_{c.pk}"] for c in self.cadres}


# team ----

from cadres.forms import unit_field as _unit_field  # noqa: E402
from core.forms import ScopedFormMixin as _ScopedFormMixin  # noqa: E402
from core.models import Unit as _Unit  # noqa: E402

from .models import TeamAssessment as _TeamAssessment  # noqa: E402
from .models import TeamMeasureProposal as _TeamMeasureProposal  # noqa: E402


class TeamAssessmentForm(_ScopedFormMixin, _forms.Form):
    """A unit's team grade for a year: entered, or re-entered (the ranks and 末位 measures of its
    category are recomputed). Shapes only; services.team decides."""

    unit = _unit_field(label=_lazy("单位"), help_text=_lazy("须已设置考核类别；在同一上级单位的同类别单位中排名。"))
    year = _forms.IntegerField(label=_lazy("年度"), min_value=2000, max_value=2100)
    grade = _forms.ChoiceField(label=_lazy("等次"), choices=_TeamAssessment.Grade.choices,
                               widget=_forms.RadioSelect,
                               error_messages={"required": _lazy("请选择等次。")})
    score = _forms.DecimalField(label=_lazy("得分"), required=False, min_value=0, max_value=100,
                                max_digits=5, decimal_places=2,
                                help_text=_lazy("0 到 100，可不填；同等次内得分高者在前，无得分者在后。"))


class TeamRankingForm(_forms.Form):
    category = _forms.ChoiceField(label=_lazy("考核类别"), choices=_Unit.Category.choices)
    year = _forms.IntegerField(label=_lazy("年度"), min_value=2000, max_value=2100)


class TeamProposalFilterForm(_forms.Form):
    status = _forms.ChoiceField(
        label=_lazy("状态"), required=False,
        choices=[("", _lazy("全部")), *_TeamMeasureProposal.Status.choices],
    )

    def filters(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class TeamDismissForm(_forms.Form):
    reason = _forms.CharField(label=_lazy("不予采纳理由"), max_length=2000,
                              widget=_forms.Textarea(attrs={"rows": 2}),
                              error_messages={"required": _lazy("请填写不予采纳的理由。")})

# annual-excel ----------------------------------------------------------------------------
from django import forms  # noqa: E402
from django.utils.translation import gettext_lazy as _lazy  # noqa: E402

from core.scoping import unit_scope  # noqa: E402

from .models import YEAR_VALIDATORS  # noqa: E402


class AnnualImportForm(forms.Form):
    """The upload; the service checks the file's size and content (services/annual_excel.py)."""

    file = forms.FileField(
        label=_lazy("Excel 文件（.xlsx）"),
        help_text=_lazy("第 1 行表头：身份证号、姓名、年度、等次（评语可选）；每行一名干部。"),
        widget=forms.ClearableFileInput(attrs={
            "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    )


class AnnualExportForm(forms.Form):
    unit = forms.ModelChoiceField(label=_lazy("单位"), queryset=None)
    year = forms.IntegerField(label=_lazy("年度"), validators=YEAR_VALIDATORS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_scope(user).order_by("path")
