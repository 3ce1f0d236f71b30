"""Forms of notices: the list's filters, a draft of each kind (a 任前公示's cadres as a formset,
each chosen with the cadre autocomplete), and the publish confirmation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cadres.forms import unit_field
from cadres.models import Cadre
from cadres.selectors import cadre_list
from core.forms import AutocompleteChoiceField, DateInput
from core.models import Unit
from discipline.selectors import clarification_list
from fault_tolerance.models import Case
from fault_tolerance.selectors import case_list
from incentives.models import Measure
from incentives.selectors.records import record_list

from .models import Notice
from .permissions import issuing_units
from .selectors import notice_list

_ANY = [("", _("全部"))]


class NoticeFilterForm(forms.Form):
    """The list's filter bar (the same names as the API's filters)."""

    q = forms.CharField(label=_("标题或文号"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=_ANY + Notice.Kind.choices)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=_ANY + Notice.State.choices)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    issuing_unit = unit_field(label=_("发文单位"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from core.scoping import unit_scope

        self.fields["issuing_unit"].queryset = unit_scope(user)

    def filters(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        if "issuing_unit" in data:
            data["issuing_unit"] = data["issuing_unit"].pk
        return data


class EntryForm(forms.Form):
    """One proposed cadre of a 任前公示."""

    cadre = AutocompleteChoiceField(
        Cadre.objects.none(), label=_("干部"), url_name="cadres:cadre-autocomplete",
        placeholder=_("输入干部姓名搜索"),
        error_messages={"invalid_choice": _("所选干部不存在或不在您的管辖范围内。"),
                        "required": _("请选择干部。")})
    proposed_post = forms.CharField(label=_("拟任职务"), max_length=200,
                                    error_messages={"required": _("请填写拟任职务。")})
    note = forms.CharField(label=_("备注"), max_length=300, required=False)
    exceptional_reason = forms.CharField(label=_("破格提拔理由"), max_length=300, required=False,
                                         help_text=_("破格提拔时填写，如：任职年限破格。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadre_list(user=user)


class _EntryFormSet(forms.BaseFormSet):
    def entries(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")]


EntryFormSet = forms.formset_factory(EntryForm, formset=_EntryFormSet, extra=1, can_delete=True,
                                     max_num=200, validate_max=True, absolute_max=200)


class NoticeForm(forms.Form):
    """A draft: the fields every kind has, then the kind's own (see FIELDS_BY_KIND)."""

    title = forms.CharField(label=_("标题"), max_length=200, required=False,
                            help_text=_("留空为该类公告的默认标题。"))
    issuing_unit = forms.ModelChoiceField(Unit.objects.none(), label=_("发文单位"),
                                          error_messages={"required": _("请选择发文单位。")})
    issuer = forms.CharField(label=_("发文机关"), max_length=100, required=False,
                             help_text=_("印在版头和落款；留空为发文单位所属组织部的发文机关，未设置时为系统配置的发文机关。"))
    preamble = forms.CharField(label=_("正文（导语）"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    closing = forms.CharField(label=_("正文（结语）"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    cc = forms.CharField(label=_("抄送"), max_length=300, required=False)
    corrects = forms.ModelChoiceField(Notice.objects.none(), label=_("更正的公告"), required=False,
                                      empty_label=_("（不是更正）"))
    # 任前公示
    period_start = forms.DateField(label=_("公示开始日期"), required=False, widget=DateInput(),
                                   help_text=_("为工作日时计作第一天。"))
    period_days = forms.IntegerField(label=_("公示期（工作日）"), min_value=1, max_value=30,
                                     initial=5)
    # 容错免责认定结果
    case = forms.ModelChoiceField(Case.objects.none(), label=_("容错事项"),
                                  error_messages={"required": _("请选择已作出认定的容错事项。")})
    # 澄清正名通报
    clarification = forms.ModelChoiceField(
        Notice.objects.none(), label=_("澄清正名事项"),
        error_messages={"required": _("请选择澄清正名事项。")})
    # 通报表扬
    records = forms.ModelMultipleChoiceField(
        Notice.objects.none(), label=_("奖励记录"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请在奖惩记录中勾选要通报表扬的记录。")},
        help_text=_("在“奖惩记录”列表中勾选记录后点“通报表扬”加入；取消勾选即移出。"))

    COMMON = ("title", "issuing_unit", "issuer", "preamble", "closing", "cc", "corrects")
    FIELDS_BY_KIND = {
        Notice.Kind.PRE_APPOINTMENT: ("period_start", "period_days"),
        Notice.Kind.TOLERANCE_DECISION: ("case",),
        Notice.Kind.CLARIFICATION: ("clarification",),
        Notice.Kind.COMMENDATION: ("records",),
    }

    def __init__(self, *args, user, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        keep = set(self.COMMON) | set(self.FIELDS_BY_KIND[kind])
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self.fields["issuing_unit"].queryset = issuing_units(user).order_by("path")
        self.fields["corrects"].queryset = notice_list(user=user).filter(
            kind=kind, state=Notice.State.PUBLISHED)
        if "case" in self.fields:
            self.fields["case"].queryset = case_list(user=user).filter(
                state__in=Case.DECIDED_STATES)
        if "clarification" in self.fields:
            self.fields["clarification"].queryset = clarification_list(user=user)
            self.fields["clarification"].label_from_instance = (
                lambda c: f"{c.cadre.name}：{c.report_summary[:40]}")
        if "records" in self.fields:
            field = self.fields["records"]
            field.queryset = record_list(user=user).filter(
                measure__direction=Measure.Direction.POSITIVE)
            # Offered: the records already chosen (the whole list would be every record in
            # scope); any record in scope is accepted.
            chosen = [int(v) for v in (self.data.getlist(self.add_prefix("records"))
                                       if self.is_bound else (self.initial.get("records") or []))
                      if str(v).isdigit()]
            rows = field.queryset.filter(pk__in=chosen) if chosen else field.queryset.none()
            field.widget.choices = [(r.pk, self.record_label(r)) for r in rows]

    @staticmethod
    def record_label(r) -> str:
        who = r.cadre.name if r.cadre_id else r.unit.name
        return f"{who}：{r.measure.name}（{r.date:%Y-%m-%d}）"

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if "records" in data:
            data["records"] = list(data["records"])
        return data


class PublishForm(forms.Form):
    """发布 needs a second, deliberate step."""

    confirm = forms.BooleanField(
        label=_("我已核对内容，确认发布。发布后取得文号，内容不可再修改。"),
        error_messages={"required": _("请勾选确认后再发布。")})
