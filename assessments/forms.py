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
