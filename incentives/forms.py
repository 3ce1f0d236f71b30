"""Forms of incentives."""


# records, timely rewards, unfit ----

from django import forms as _forms  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402

from cadres.forms import unit_field as _unit_field  # noqa: E402
from cadres.models import Cadre as _Cadre  # noqa: E402
from cadres.selectors import cadre_list as _cadre_list  # noqa: E402
from core.forms import AutocompleteChoiceField as _Autocomplete  # noqa: E402
from core.forms import DateInput as _DateInput  # noqa: E402
from core.scoping import unit_scope as _unit_scope  # noqa: E402

from .models import IncentiveRecord as _Record  # noqa: E402
from .models import Measure as _Measure  # noqa: E402
from .models import TimelyReward as _TimelyReward  # noqa: E402
from .models import UnfitSituation as _Situation  # noqa: E402
from .selectors.catalog import measure_list as _measure_list  # noqa: E402
from .selectors.unfit import situation_list as _situation_list  # noqa: E402
from .selectors.unfit import unfit_measures as _unfit_measures  # noqa: E402

_ANY = [("", _("全部"))]


def _cadre_field(**kwargs) -> _Autocomplete:
    return _Autocomplete(
        _Cadre.objects.none(), url_name="cadres:cadre-autocomplete",
        placeholder=_("输入干部姓名搜索"),
        error_messages={"invalid_choice": _("所选干部不存在或不在您的管辖范围内。"),
                        "required": _("请选择干部。")}, **kwargs)


def _measure_label(m) -> str:
    sign = "+" if m.direction == _Measure.Direction.POSITIVE else "−"
    return f"{m.name}（{m.get_kind_display()}，{sign}{m.points}）"


class _SubjectForm(_forms.Form):
    """A cadre or a team (a unit): exactly one, both in the user's scope."""

    cadre = _cadre_field(label=_("干部"), required=False)
    unit = _unit_field(label=_("或：班子（单位）"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = _cadre_list(user=user)
        self.fields["unit"].queryset = _unit_scope(user)

    def clean(self):
        data = super().clean()
        if not self.errors and (data.get("cadre") is None) == (data.get("unit") is None):
            raise _forms.ValidationError(_("请选择干部或班子（单位）中的一项。"))
        return data


class RecordForm(_SubjectForm):
    """奖惩记录, entered by hand."""

    measure = _forms.ModelChoiceField(_Measure.objects.none(), label=_("措施"),
                                      error_messages={"required": _("请选择措施。")})
    date = _forms.DateField(label=_("日期"), widget=_DateInput())
    reason = _forms.CharField(label=_("事由"), widget=_forms.Textarea(attrs={"rows": 3}))
    document_number = _forms.CharField(label=_("文号"), required=False, max_length=60)
    amount = _forms.DecimalField(label=_("金额（元）"), required=False, min_value=0,
                                 max_digits=12, decimal_places=2,
                                 help_text=_("仅经济上奖励类措施填写。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["measure"].queryset = _measure_list(active_only=True)
        self.fields["measure"].label_from_instance = _measure_label

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class RecordFilterForm(_forms.Form):
    q = _forms.CharField(label=_("干部或单位名称"), required=False, max_length=60)
    measure = _forms.ModelChoiceField(_Measure.objects.none(), label=_("措施"), required=False,
                                      to_field_name="code", empty_label=_("全部"))
    source = _forms.ChoiceField(label=_("来源"), required=False,
                                choices=_ANY + _Record.Source.choices)
    year = _forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = _measure_list()

    def filters(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class TimelyNominateForm(_SubjectForm):
    """及时奖励提名."""

    unit = _unit_field(label=_("或：集体（单位）"), required=False)
    condition = _forms.ChoiceField(label=_("奖励情形"), choices=_TimelyReward.Condition.choices,
                                   widget=_forms.RadioSelect,
                                   error_messages={"required": _("请选择奖励情形。")})
    reason = _forms.CharField(label=_("主要事迹"), widget=_forms.Textarea(attrs={"rows": 4}))
    measure = _forms.ModelChoiceField(_Measure.objects.none(), label=_("奖励措施"),
                                      error_messages={"required": _("请选择奖励措施。")})
    date = _forms.DateField(label=_("提名日期"), required=False, widget=_DateInput(),
                            help_text=_("留空为今天。"))
    amount = _forms.DecimalField(label=_("奖金（元）"), required=False, min_value=0,
                                 max_digits=12, decimal_places=2,
                                 help_text=_("仅经济上奖励类措施填写。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["measure"].queryset = _measure_list(active_only=True).filter(
            direction=_Measure.Direction.POSITIVE)
        self.fields["measure"].label_from_instance = _measure_label

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class TimelyApproveForm(_forms.Form):
    date = _forms.DateField(label=_("批准日期"), required=False, widget=_DateInput(),
                            help_text=_("留空为今天；奖惩记录以此为日期。"))
    document_number = _forms.CharField(label=_("文号"), required=False, max_length=60)


class TimelyRejectForm(_forms.Form):
    reason = _forms.CharField(label=_("不予批准的理由"), widget=_forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": _("请填写不予批准的理由。")})


class UnfitForm(_forms.Form):
    """不适宜担任现职: a card or an adjustment of a cadre, with its situation."""

    cadre = _cadre_field(label=_("干部"))
    situation = _forms.ModelChoiceField(
        _Situation.objects.none(), label=_("情形"),
        error_messages={"required": _("请选择不适宜担任现职的情形。")})
    measure = _forms.ModelChoiceField(_Measure.objects.none(), label=_("处理措施"),
                                      error_messages={"required": _("请选择处理措施。")})
    date = _forms.DateField(label=_("日期"), widget=_DateInput())
    reason = _forms.CharField(label=_("具体表现"), widget=_forms.Textarea(attrs={"rows": 3}))
    document_number = _forms.CharField(label=_("文号"), required=False, max_length=60)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = _cadre_list(user=user)
        self.fields["situation"].queryset = _situation_list(active_only=True)
        self.fields["situation"].label_from_instance = (
            lambda s: f"{s.get_group_display()}：{s.name}")
        self.fields["measure"].queryset = _unfit_measures()
        self.fields["measure"].label_from_instance = _measure_label

    def service_data(self) -> dict:
        return dict(self.cleaned_data)
