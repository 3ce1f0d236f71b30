"""Forms of incentives."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from cadres.forms import unit_field
from cadres.models import Cadre
from cadres.selectors import cadre_list
from core.forms import AutocompleteChoiceField, DateInput
from core.models import Unit

from . import permissions
from .models import IncentiveRecord, Measure, RuleProposal, TimelyReward, UnfitSituation
from .selectors.catalog import measure_list
from .selectors.unfit import situation_list, unfit_measures

# records, timely rewards, unfit ----


_ANY = [("", _("全部"))]


def _cadre_field(**kwargs) -> AutocompleteChoiceField:
    return AutocompleteChoiceField(
        Cadre.objects.none(), url_name="cadres:cadre-autocomplete",
        placeholder=_("输入干部姓名搜索"),
        error_messages={"invalid_choice": _("所选干部不存在或不在您的管辖范围内。"),
                        "required": _("请选择干部。")}, **kwargs)


def _measure_label(m) -> str:
    sign = "+" if m.direction == Measure.Direction.POSITIVE else "−"
    return f"{m.name}（{m.get_kind_display()}，{sign}{m.points}）"


class _SubjectForm(forms.Form):
    """A cadre or a team (a unit): exactly one, both in the user's scope."""

    cadre = _cadre_field(label=_("干部"), required=False)
    unit = unit_field(label=_("或：班子（单位）"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadre_list(user=user)
        self.fields["unit"].queryset = permissions.visible_units(user)

    def clean(self):
        data = super().clean()
        if not self.errors and (data.get("cadre") is None) == (data.get("unit") is None):
            raise forms.ValidationError(_("请选择干部或班子（单位）中的一项。"))
        return data


class RecordForm(_SubjectForm):
    """奖惩记录, entered by hand."""

    measure = forms.ModelChoiceField(Measure.objects.none(), label=_("措施"),
                                      error_messages={"required": _("请选择措施。")})
    date = forms.DateField(label=_("日期"), widget=DateInput())
    reason = forms.CharField(label=_("事由"), widget=forms.Textarea(attrs={"rows": 3}))
    document_number = forms.CharField(label=_("文号"), required=False, max_length=60)
    amount = forms.DecimalField(label=_("金额（元）"), required=False, min_value=0,
                                 max_digits=12, decimal_places=2,
                                 help_text=_("仅经济上奖励类措施填写。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["measure"].queryset = measure_list(active_only=True)
        self.fields["measure"].label_from_instance = _measure_label

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class RecordFilterForm(forms.Form):
    q = forms.CharField(label=_("干部或单位名称"), required=False, max_length=60)
    measure = forms.ModelChoiceField(Measure.objects.none(), label=_("措施"), required=False,
                                      to_field_name="code", empty_label=_("全部"))
    source = forms.ChoiceField(label=_("来源"), required=False,
                                choices=_ANY + IncentiveRecord.Source.choices)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = measure_list()

    def filters(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class TimelyNominateForm(_SubjectForm):
    """及时奖励提名."""

    unit = unit_field(label=_("或：集体（单位）"), required=False)
    condition = forms.ChoiceField(label=_("奖励情形"), choices=TimelyReward.Condition.choices,
                                   widget=forms.RadioSelect,
                                   error_messages={"required": _("请选择奖励情形。")})
    reason = forms.CharField(label=_("主要事迹"), widget=forms.Textarea(attrs={"rows": 4}))
    measure = forms.ModelChoiceField(Measure.objects.none(), label=_("奖励措施"),
                                      error_messages={"required": _("请选择奖励措施。")})
    date = forms.DateField(label=_("提名日期"), required=False, widget=DateInput(),
                            help_text=_("留空为今天。"))
    amount = forms.DecimalField(label=_("奖金（元）"), required=False, min_value=0,
                                 max_digits=12, decimal_places=2,
                                 help_text=_("仅经济上奖励类措施填写。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["measure"].queryset = measure_list(active_only=True).filter(
            direction=Measure.Direction.POSITIVE)
        self.fields["measure"].label_from_instance = _measure_label

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class TimelyApproveForm(forms.Form):
    date = forms.DateField(label=_("批准日期"), required=False, widget=DateInput(),
                            help_text=_("留空为今天；奖惩记录以此为日期。"))
    document_number = forms.CharField(label=_("文号"), required=False, max_length=60)


class TimelyRejectForm(forms.Form):
    reason = forms.CharField(label=_("不予批准的理由"), widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": _("请填写不予批准的理由。")})


class UnfitForm(forms.Form):
    """不适宜担任现职: a card or an adjustment of a cadre, with its situation."""

    cadre = _cadre_field(label=_("干部"))
    situation = forms.ModelChoiceField(
        UnfitSituation.objects.none(), label=_("情形"),
        error_messages={"required": _("请选择不适宜担任现职的情形。")})
    measure = forms.ModelChoiceField(Measure.objects.none(), label=_("处理措施"),
                                      error_messages={"required": _("请选择处理措施。")})
    date = forms.DateField(label=_("日期"), widget=DateInput())
    reason = forms.CharField(label=_("具体表现"), widget=forms.Textarea(attrs={"rows": 3}))
    document_number = forms.CharField(label=_("文号"), required=False, max_length=60)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadre_list(user=user)
        self.fields["situation"].queryset = situation_list(active_only=True)
        self.fields["situation"].label_from_instance = (
            lambda s: f"{s.get_group_display()}：{s.name}")
        self.fields["measure"].queryset = unfit_measures()
        self.fields["measure"].label_from_instance = _measure_label

    def service_data(self) -> dict:
        return dict(self.cleaned_data)

# ledger, 红黑榜, proposals ----


_YEAR_ERRORS = {"invalid": gettext_lazy("请输入四位年份，如 2025。"),
                "min_value": gettext_lazy("年份应在 2000 至 2100 之间。"),
                "max_value": gettext_lazy("年份应在 2000 至 2100 之间。")}


def _ledger_year_field(**kwargs):
    return forms.IntegerField(label=gettext_lazy("年度"), error_messages=_YEAR_ERRORS,
                              validators=[MinValueValidator(2000), MaxValueValidator(2100)],
                              **kwargs)


class LedgerFilterForm(forms.Form):
    """The ledger page's unit (within the user's scope) and year."""

    unit = forms.ModelChoiceField(label=gettext_lazy("单位"), queryset=Unit.objects.none(),
                                  error_messages={"invalid_choice": gettext_lazy("请选择您管辖范围内的单位。")})
    year = _ledger_year_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = permissions.visible_units(user).order_by("path")


class HonorBoardForm(forms.Form):
    """The 红黑榜's year and unit category."""

    year = _ledger_year_field()
    category = forms.ChoiceField(label=gettext_lazy("单位类别"), choices=Unit.Category.choices,
                                 error_messages={"invalid_choice": gettext_lazy("请选择单位类别。")})


class ProposalFilterForm(forms.Form):
    state = forms.ChoiceField(label=gettext_lazy("状态"), required=False,
                              choices=[("", gettext_lazy("全部")), *RuleProposal.State.choices])


class ProposalDismissForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("不予采纳理由"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": gettext_lazy("请填写不予采纳的理由。")})
