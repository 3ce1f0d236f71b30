"""HTML forms for units, cadres and appointments. They check shapes only: the services
validate the record as a whole (ID number, scope, overlaps) and their errors come back
onto the form (core.views.ServiceFormView).

Units and cadres are chosen by autocomplete, never from a list: a city has 2,000 units
and 100,000 cadres. Other apps use core.forms.AutocompleteChoiceField the same way:

    unit = AutocompleteChoiceField(Unit.objects.none(), url_name="cadres:unit-autocomplete")
    # in __init__: self.fields["unit"].queryset = unit_scope(user)
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AutocompleteChoiceField, DateInput, ScopedFormMixin

from . import search
from .models import Appointment, Cadre, PostLevel, Unit

_NOT_IN_SCOPE = _("单位不存在或不在您的管辖范围内。")


def unit_field(**kwargs) -> AutocompleteChoiceField:
    kwargs.setdefault("label", _("单位"))
    return AutocompleteChoiceField(
        Unit.objects.none(),
        url_name="cadres:unit-autocomplete",
        placeholder=_("输入单位名称或代码搜索"),
        error_messages={"invalid_choice": _NOT_IN_SCOPE},
        **kwargs,
    )


class CadreForm(ScopedFormMixin, forms.ModelForm):
    unit = unit_field(label=_("所在单位"))
    tags = forms.MultipleChoiceField(
        label=_("标签"),
        choices=Cadre.Tag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Cadre
        fields = [
            "name",
            "gender",
            "birth_date",
            "ethnicity",
            "id_number",
            "political_status",
            "education",
            "unit",
            "position_title",
            "post_level",
            "rank",
            "rank_since",
            "status",
            "is_reserve",
            "is_representative",
            "tags",
        ]
        widgets = {"birth_date": DateInput(), "rank_since": DateInput()}

    # On the edit form: record the changed post as an appointment (任职记录) in the same save,
    # so the cadre's timeline is not left empty (services.cadre_post_change).
    APPOINTMENT_FIELDS = ("record_appointment", "appointment_kind", "appointment_start",
                          "appointment_document_number")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["record_appointment"] = forms.BooleanField(
                label=_("同时登记任职记录"), required=False,
                help_text=_("单位、职务或级别有变动时勾选：现任职务于任职开始日期前一日结束，新职务记入任职记录。"))
            self.fields["appointment_kind"] = forms.ChoiceField(
                label=_("任职类型"), choices=Appointment.Kind.choices, required=False,
                initial=Appointment.Kind.PROMOTION)
            self.fields["appointment_start"] = forms.DateField(
                label=_("任职开始日期"), required=False, widget=DateInput())
            self.fields["appointment_document_number"] = forms.CharField(
                label=_("任免文号"), required=False, max_length=60)
        id_field = self.fields["id_number"]
        id_field.widget.attrs.update(autocomplete="off", spellcheck="false")
        if self.instance.pk:
            # Never echo the stored number: show it masked, and blank means "unchanged".
            self.initial["id_number"] = ""
            id_field.required = False
            id_field.widget.attrs["placeholder"] = self.instance.id_number_masked
            id_field.help_text = _("留空表示不修改；如需更正，请输入完整的18位号码。")

    def _post_clean(self):
        # Shape only. The service validates the record (check digit, birth date and gender
        # against the ID number, uniqueness, scope) and its errors come back onto this form.
        pass

    def service_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.APPOINTMENT_FIELDS}
        if self.instance.pk and not data.get("id_number"):
            data.pop("id_number", None)
        return data

    def appointment_data(self) -> dict | None:
        """What services.cadre_post_change needs beside the record, or None when the post
        change is not to be recorded."""
        if not self.cleaned_data.get("record_appointment"):
            return None
        return {"start_date": self.cleaned_data.get("appointment_start"),
                "kind": self.cleaned_data.get("appointment_kind") or Appointment.Kind.PROMOTION,
                "document_number": self.cleaned_data.get("appointment_document_number") or ""}


class AppointmentForm(ScopedFormMixin, forms.ModelForm):
    unit = unit_field(label=_("任职单位"))

    class Meta:
        model = Appointment
        fields = [
            "unit",
            "title",
            "post_level",
            "kind",
            "is_main",
            "start_date",
            "end_date",
            "document_number",
            "exceptional_reason",
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def _post_clean(self):
        # Shape only: appointment_create checks dates, the 破格 reason and overlapping main posts.
        pass


class CadreSearchForm(ScopedFormMixin, forms.Form):
    """The cadre list's filters, turned into cadres.filters.CadreFilter's parameters."""

    _ANY = [("", _("全部"))]

    q = forms.CharField(label=_("姓名或身份证号"), required=False, max_length=60)
    unit = unit_field(required=False)
    tree = forms.BooleanField(label=_("含下级单位"), required=False)
    post_level = forms.ChoiceField(
        label=_("职务层次"), required=False, choices=_ANY + PostLevel.choices
    )
    status = forms.ChoiceField(label=_("状态"), required=False, choices=_ANY + Cadre.Status.choices)
    is_reserve = forms.ChoiceField(
        label=_("后备干部"), required=False, choices=_ANY + [("true", _("是")), ("false", _("否"))]
    )

    def clean_q(self):
        q = self.cleaned_data["q"]
        return search.id_number_term(q) or q

    @property
    def id_number_searched(self) -> str | None:
        """The whole ID number searched for, if the term is one (valid forms only)."""
        return search.id_number_term(self.cleaned_data.get("q") or "")

    def hide_id_number(self) -> None:
        """Render the form without the ID number searched for: the page must not echo it back
        (API.md, "Personal data"); the page says the search was by a masked number instead."""
        self.data = self.data.copy()
        self.data["q"] = ""

    def filters(self) -> dict:
        data = self.cleaned_data
        filters = {k: data[k] for k in ("q", "post_level", "status", "is_reserve") if data.get(k)}
        if data.get("unit"):
            filters["unit_tree" if data.get("tree") else "unit"] = data["unit"].pk
        return filters
