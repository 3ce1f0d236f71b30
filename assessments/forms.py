"""Forms of assessments."""


# evaluation ----

from decimal import Decimal  # noqa: E402

from django import forms  # noqa: E402
from django.utils.translation import gettext_lazy as _lazy  # noqa: E402

from cadres.forms import unit_field  # noqa: E402
from cadres.models import Cadre  # noqa: E402
from cadres.selectors import cadre_list  # noqa: E402
from core.forms import AutocompleteChoiceField, DateInput, ScopedFormMixin  # noqa: E402

from .models import Cadence, ReserveListEntry  # noqa: E402

_ANY = [("", _lazy("全部"))]


def _cadre_autocomplete(**kwargs) -> AutocompleteChoiceField:
    return AutocompleteChoiceField(
        Cadre.objects.none(), url_name="cadres:cadre-autocomplete", placeholder=_lazy("输入干部姓名搜索"),
        error_messages={"invalid_choice": _lazy("所选干部不存在或不在您的管辖范围内。"),
                        "required": _lazy("请选择干部。")},
        **kwargs,
    )


def _score_field(label):
    return forms.DecimalField(label=label, min_value=0, max_value=100, max_digits=5, decimal_places=2,
                              error_messages={"min_value": _lazy("分数须在 0 到 100 之间。"),
                                              "max_value": _lazy("分数须在 0 到 100 之间。"),
                                              "required": _lazy("请填写分数。")})


class EvaluationRoundForm(ScopedFormMixin, forms.Form):
    unit = unit_field(label=_lazy("组织单位"))
    name = forms.CharField(label=_lazy("名称"), max_length=120)
    year = forms.IntegerField(label=_lazy("年度"), min_value=2000, max_value=2100)
    held_on = forms.DateField(label=_lazy("评估日期"), required=False, widget=DateInput(),
                              help_text=_lazy("留空为今天。"))

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class EvaluationForm(ScopedFormMixin, forms.Form):
    """One team's or one cadre's six scores; the service refuses both or neither."""

    subject = forms.ChoiceField(label=_lazy("评估对象"), widget=forms.RadioSelect,
                                choices=[("cadre", _lazy("干部")), ("team", _lazy("班子"))], initial="cadre")
    cadre = _cadre_autocomplete(label=_lazy("干部"), required=False)
    unit = unit_field(label=_lazy("班子（单位）"), required=False)
    political = _score_field(_lazy("政治"))
    operation = _score_field(_lazy("运行"))
    professional = _score_field(_lazy("专业"))
    structure = _score_field(_lazy("结构"))
    performance = _score_field(_lazy("实绩"))
    problems = _score_field(_lazy("问题"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["cadre"].queryset = cadre_list(user=user)
        self.fields["problems"].help_text = _lazy("分数越高，问题越少；未发现问题为 100。")

    def clean(self):
        data = super().clean()
        if data.get("subject") == "cadre":
            data["unit"] = None
            if not data.get("cadre") and "cadre" not in self.errors:
                self.add_error("cadre", _lazy("请选择干部。"))
        elif data.get("subject") == "team":
            data["cadre"] = None
            if not data.get("unit") and "unit" not in self.errors:
                self.add_error("unit", _lazy("请选择班子所在单位。"))
        return data

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "subject"}


class CandidateQueryForm(forms.Form):
    top_percent = forms.DecimalField(label=_lazy("前百分比（%）"), required=False, min_value=Decimal("0.01"),
                                     max_value=100, max_digits=5, decimal_places=2)
    threshold = forms.DecimalField(label=_lazy("分数线"), required=False, min_value=0, max_value=100,
                                   max_digits=5, decimal_places=2)


class ShortlistForm(forms.Form):
    evaluations = forms.MultipleChoiceField(label=_lazy("确认入选"), widget=forms.CheckboxSelectMultiple,
                                            error_messages={"required": _lazy("请至少选择一名干部。")})
    listed_on = forms.DateField(label=_lazy("列入日期"), required=False, widget=DateInput(),
                                help_text=_lazy("留空为今天。"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluations"].choices = [
            (str(e.pk), f"{e.cadre.name}（{e.cadre.unit.name}）{e.total}") for e in candidates
        ]


class ReserveListFilterForm(forms.Form):
    q = forms.CharField(label=_lazy("干部姓名"), required=False, max_length=60)
    source = forms.ChoiceField(label=_lazy("来源"), required=False, choices=_ANY + ReserveListEntry.Source.choices)

    def filters(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v}


# frontline ----

class FrontlineProjectForm(ScopedFormMixin, forms.Form):
    name = forms.CharField(label=_lazy("工程名称"), max_length=120)
    unit = unit_field(label=_lazy("牵头单位"))
    start_date = forms.DateField(label=_lazy("开工日期"), widget=DateInput())
    end_date = forms.DateField(label=_lazy("完工日期"), required=False, widget=DateInput(),
                               help_text=_lazy("在建工程留空。"))
    description = forms.CharField(label=_lazy("简介"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class FrontlineAttachForm(forms.Form):
    cadre = _cadre_autocomplete(label=_lazy("干部"))
    attached_on = forms.DateField(label=_lazy("参加日期"), required=False, widget=DateInput(),
                                  help_text=_lazy("留空为开工日期。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadre_list(user=user)


class FrontlineRecordForm(forms.Form):
    cadre = forms.ModelChoiceField(Cadre.objects.none(), label=_lazy("干部"),
                                   error_messages={"invalid_choice": _lazy("该干部不在该工程的考察名单中。"),
                                                   "required": _lazy("请选择干部。")})
    cadence = forms.ChoiceField(label=_lazy("类别"), choices=Cadence.choices)
    date = forms.DateField(label=_lazy("日期"), widget=DateInput())
    content = forms.CharField(label=_lazy("内容"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres


class FrontlineOutcomeForm(forms.Form):
    cadres = forms.ModelMultipleChoiceField(Cadre.objects.none(), label=_lazy("干部"),
                                            widget=forms.CheckboxSelectMultiple,
                                            error_messages={"required": _lazy("请至少选择一名干部。")})
    red_flag = forms.BooleanField(label=_lazy("评为红旗标兵"), required=False)
    reserve = forms.BooleanField(label=_lazy("列入干部推荐参考名单"), required=False)
    listed_on = forms.DateField(label=_lazy("列入日期"), required=False, widget=DateInput(),
                                help_text=_lazy("留空为今天。"))

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadres"].queryset = cadres
