"""HTML forms for clarifications, sanctions and re-use. They check shapes only; the services
validate the record and their errors come back onto the form (core.views.ServiceFormView)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cadres.forms import unit_field
from cadres.models import Appointment, Cadre
from cadres.selectors import cadre_list
from core.forms import AutocompleteChoiceField, DateInput, ScopedFormMixin

from .models import Clarification, Sanction

# Clarification (澄清正名) ---------------------------------------------------------------------


def _cadre_field(**kwargs) -> AutocompleteChoiceField:
    return AutocompleteChoiceField(
        Cadre.objects.none(),
        url_name="cadres:cadre-autocomplete",
        placeholder=_("输入干部姓名搜索"),
        error_messages={
            "invalid_choice": _("所选干部不存在或不在您的管辖范围内。"),
            "required": _("请选择干部。"),
        },
        **kwargs,
    )


class ClarificationForm(forms.Form):
    """A report found untrue, closed with a clarification; when the accusation was malicious
    (诬告陷害), the accuser for the dishonesty list."""

    cadre = _cadre_field(label=_("被举报干部"))
    report_summary = forms.CharField(
        label=_("举报内容摘要"), widget=forms.Textarea(attrs={"rows": 3})
    )
    finding = forms.CharField(label=_("核查结论"), widget=forms.Textarea(attrs={"rows": 4}))
    manner = forms.ChoiceField(
        label=_("澄清方式"),
        choices=Clarification.Manner.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择澄清方式。")},
    )
    clarified_on = forms.DateField(
        label=_("澄清日期"), required=False, widget=DateInput(), help_text=_("留空为今天。")
    )
    follow_up_on = forms.DateField(label=_("回访日期"), required=False, widget=DateInput())
    malicious = forms.BooleanField(label=_("经查属诬告陷害"), required=False)
    accuser_name = forms.CharField(label=_("举报人姓名"), required=False, max_length=60)
    accuser_id_number = forms.CharField(
        label=_("举报人身份证号"),
        required=False,
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    accuser_detail = forms.CharField(
        label=_("情况说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadre_list(user=user)

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class ClarificationFilterForm(forms.Form):
    _ANY = [("", _("全部"))]

    q = forms.CharField(label=_("干部姓名"), required=False, max_length=60)
    manner = forms.ChoiceField(
        label=_("澄清方式"), required=False, choices=_ANY + Clarification.Manner.choices
    )
    malicious = forms.ChoiceField(
        label=_("诬告陷害"), required=False, choices=_ANY + [("true", _("是")), ("false", _("否"))]
    )

    def filters(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v}


# Sanctions and re-use (重新使用) -----------------------------------------------------------------


class SanctionForm(forms.Form):
    cadre = _cadre_field(label=_("受处分干部"))
    kind = forms.ChoiceField(
        label=_("处分种类"),
        choices=Sanction.Kind.choices,
        help_text=_(
            "影响期按公务员法第六十四条：警告6个月，记过12个月，记大过18个月，降级、撤职24个月。"
        ),
    )
    decided_on = forms.DateField(label=_("处分决定日期"), widget=DateInput())
    document_number = forms.CharField(label=_("处分文号"), required=False, max_length=60)
    reason = forms.CharField(
        label=_("处分事由"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadre_list(user=user)

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class SanctionFilterForm(forms.Form):
    _ANY = [("", _("全部"))]

    q = forms.CharField(label=_("干部姓名"), required=False, max_length=60)
    kind = forms.ChoiceField(
        label=_("处分种类"), required=False, choices=_ANY + Sanction.Kind.choices
    )

    def filters(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v}


class ReuseForm(ScopedFormMixin, forms.ModelForm):
    """重新使用: the re-use appointment of a disciplined cadre and the sanction it follows; the
    appointment service refuses it before the sanction's effect period ends."""

    unit = unit_field(label=_("任职单位"))
    sanction = forms.ModelChoiceField(
        Sanction.objects.none(),
        label=_("所依据的处分"),
        empty_label=None,
        error_messages={"invalid_choice": _("所选处分不属于该干部。")},
    )

    class Meta:
        model = Appointment
        fields = ["unit", "title", "post_level", "is_main", "start_date", "document_number"]
        widgets = {"start_date": DateInput()}

    def __init__(self, *args, sanctions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sanction"].queryset = sanctions
        self.fields["sanction"].label_from_instance = lambda s: (
            _("%(kind)s（%(date)s 决定，影响期至 %(end)s）")
            % {
                "kind": s.get_kind_display(),
                "date": s.decided_on.isoformat(),
                "end": s.effect_ends_on.isoformat() if s.effect_ends_on else "—",
            }
        )

    def _post_clean(self):
        # Shape only: appointment_create checks the dates, scope and the effect period.
        pass

    def service_data(self) -> dict:
        return dict(self.cleaned_data)
