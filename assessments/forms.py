"""Forms of assessments."""


# team ----
from django import forms as _forms  # noqa: E402
from django.utils.translation import gettext_lazy as _lazy  # noqa: E402

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
