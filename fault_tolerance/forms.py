"""HTML forms for fault-tolerance cases. They check shapes only; the services judge the
case (scope, subjects, criteria against the outcome, quorum, recusal) and their errors come
back onto the form. Cadres and units are chosen by autocomplete, never from a list."""

from django import forms
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, Unit
from cadres.selectors import cadre_list
from core.forms import DateInput
from core.input import as_id
from core.models import User
from core.scoping import unit_scope

from .models import DISTINCTIONS, LOOKS, Case, Outcome, Situation

# What the file picker suggests; the service decides by content, whatever the name says.
EVIDENCE_ACCEPT = ".pdf,.jpg,.jpeg,.png,.gif,.bmp,.tif,.tiff,.webp,.doc,.docx,.xls,.xlsx,.ofd"


class MultiAutocompleteWidget(forms.Widget):
    """Chosen items as removable chips, each a hidden input, plus a search box driven by
    static/js/app.js's autocomplete; static/js/tolerance.js turns each choice into a chip."""

    template_name = "fault_tolerance/_multi_autocomplete.html"

    def __init__(self, *, url_name: str, placeholder: str = "", attrs=None):
        super().__init__(attrs)
        self.url_name = url_name
        self.placeholder = placeholder
        self.queryset = None  # set by the field; chips are labelled only from within it
        self.url = None  # a form may set an address that url_name alone cannot give (one case's)

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # no chip sent means "none chosen"

    def chosen(self, value) -> list:
        ids = [as_id(v.pk if isinstance(v, models.Model) else v) for v in (value or [])]
        ids = [i for i in ids if i is not None]
        if not ids or self.queryset is None:
            return []
        found = {obj.pk: obj for obj in self.queryset.filter(pk__in=ids)}
        return [found[i] for i in dict.fromkeys(ids) if i in found]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(url=self.url or reverse(self.url_name), placeholder=self.placeholder,
                                 chosen=self.chosen(value))
        return context

    def render(self, name, value, attrs=None, renderer=None):
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))


class MultiAutocompleteField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField shown as chips and a search box; its queryset (the user's
    scope) bounds both the ids it accepts and the labels it shows."""

    def __init__(self, queryset, *, url_name: str, placeholder: str = "", **kwargs):
        kwargs.setdefault("widget", MultiAutocompleteWidget(url_name=url_name, placeholder=placeholder))
        kwargs.setdefault("required", False)
        super().__init__(queryset, **kwargs)

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self.widget.queryset = self._queryset

    queryset = property(forms.ModelMultipleChoiceField._get_queryset, _set_queryset)

    def _check_values(self, value):
        # Refused before any query: SQLite cannot bind an id beyond a bigint (a 500).
        for pk in value:
            if as_id(pk) is None:
                raise forms.ValidationError(self.error_messages["invalid_pk_value"],
                                            code="invalid_pk_value", params={"pk": pk})
        return super()._check_values(value)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input type="file" multiple>; each is checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": EVIDENCE_ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


def _subject_cadre_field():
    return MultiAutocompleteField(
        Cadre.objects.none(), url_name="cadres:cadre-autocomplete", label=_("容错对象（干部）"),
        placeholder=_("输入干部姓名搜索，可选多人"),
        error_messages={"invalid_choice": _("所选干部不存在或不在您的管辖范围内。"),
                        "invalid_pk_value": _("所选干部不存在或不在您的管辖范围内。")})


def _subject_unit_field():
    return MultiAutocompleteField(
        Unit.objects.none(), url_name="cadres:unit-autocomplete", label=_("容错对象（单位）"),
        placeholder=_("输入单位名称或代码搜索，可选多个"),
        error_messages={"invalid_choice": _("所选单位不存在或不在您的管辖范围内。"),
                        "invalid_pk_value": _("所选单位不存在或不在您的管辖范围内。")})


class CaseForm(forms.ModelForm):
    """A case's facts and subjects (staff), or the facts alone (a cadre filing for themselves),
    and, when filing, the first evidence files."""

    subject_cadres = _subject_cadre_field()
    subject_units = _subject_unit_field()
    evidence = MultipleFileField(label=_("上传文件"))

    class Meta:
        model = Case
        fields = ["title", "occurred_on", "field", "source", "applicant", "description"]
        widgets = {"occurred_on": DateInput(), "description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, user, with_files: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.chooses_subjects = user.has_role("staff")
        if self.chooses_subjects:
            self.fields["subject_cadres"].queryset = cadre_list(user=user).select_related("unit")
            self.fields["subject_units"].queryset = unit_scope(user)
            if self.instance.pk:
                self.initial["subject_cadres"] = [c.pk for c in self.instance.subject_cadres.all()]
                self.initial["subject_units"] = [u.pk for u in self.instance.subject_units.all()]
        else:  # a cadre's own application: the subject is the cadre, set by the view
            del self.fields["subject_cadres"], self.fields["subject_units"]
        if not with_files:
            del self.fields["evidence"]
        self.fields["applicant"].help_text = _("单位申请填单位名称，本人申请填本人姓名。")

    def _post_clean(self):
        # Shape only: case_create / case_update validate the case and its subjects.
        pass

    def service_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "evidence"}
        if self.chooses_subjects:
            data["subject_cadres"] = list(data["subject_cadres"])
            data["subject_units"] = list(data["subject_units"])
        return data


class EvidenceForm(forms.Form):
    evidence = MultipleFileField(label=_("选择文件"))
    description = forms.CharField(label=_("说明"), required=False, max_length=200)


class CaseFilterForm(forms.Form):
    """The case list's filters, turned into CaseFilter's parameters."""

    _ANY = [("", _("全部"))]

    q = forms.CharField(label=_("事项名称"), required=False, max_length=60)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=_ANY + Case.State.choices)
    field = forms.ChoiceField(label=_("领域"), required=False, choices=_ANY + Case.Field.choices)
    source = forms.ChoiceField(label=_("问题来源"), required=False, choices=_ANY + Case.Source.choices)
    deadline = forms.ChoiceField(label=_("期限"), required=False,
                                 choices=_ANY + [("near", _("临近期限")), ("overdue", _("已超期"))])

    def filters(self) -> dict:
        data = self.cleaned_data
        filters = {k: data[k] for k in ("q", "field", "source", "deadline") if data.get(k)}
        if data.get("state"):
            filters["state"] = [data["state"]]
        return filters


_HOLDS = [("true", _("符合")), ("false", _("不符合"))]


class ProposalForm(forms.Form):
    """认定建议: the five looks (each judged), the three distinctions, the situations ticked
    in the jurisdiction's catalog, the recommendation and, optionally, the liaison."""

    recommendation = forms.ChoiceField(
        label=_("认定建议"), choices=Outcome.choices, widget=forms.RadioSelect,
        error_messages={"required": _("请选择认定建议。")})
    distinctions = forms.TypedMultipleChoiceField(
        label=_("三个区分开来（适用的项）"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(n, label) for n, label in DISTINCTIONS.items()])
    liaison = forms.TypedChoiceField(label=_("纪检监察联络人"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, situations, liaisons, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in LOOKS.items():
            self.fields[f"look_{key}"] = forms.ChoiceField(
                label=label, choices=_HOLDS, widget=forms.RadioSelect,
                error_messages={"required": _("请对此项作出判断。")})
            self.fields[f"note_{key}"] = forms.CharField(label=_("说明"), required=False, max_length=1000)
        for n in DISTINCTIONS:
            self.fields[f"note_distinction_{n}"] = forms.CharField(label=_("说明"), required=False, max_length=1000)
        for group, label in Situation.Group.choices:
            self.fields[f"situations_{group}"] = forms.MultipleChoiceField(
                label=label, required=False, widget=forms.CheckboxSelectMultiple,
                choices=[(s.code, f"{s.code} {s.description}") for s in situations if s.group == group])
        self.fields["liaison"].choices = [("", _("本案管辖范围内的联络人均可出具"))] + [
            (u.pk, u.get_full_name() or u.get_username()) for u in liaisons]

    def looks(self):
        return [(self[f"look_{key}"], self[f"note_{key}"]) for key in LOOKS]

    def distinction_rows(self):
        return [(choice, self[f"note_distinction_{n}"]) for n, choice in zip(DISTINCTIONS, self["distinctions"], strict=True)]

    def situation_groups(self):
        return [self[f"situations_{group}"] for group in Situation.Group.values]

    def service_data(self) -> dict:
        """The payload of the `propose` action, in the API's shape."""
        data = self.cleaned_data
        notes = {key: data[f"note_{key}"] for key in LOOKS if data.get(f"note_{key}")}
        notes.update({f"distinction_{n}": data[f"note_distinction_{n}"] for n in DISTINCTIONS
                      if data.get(f"note_distinction_{n}")})
        criteria = {key: data[f"look_{key}"] == "true" for key in LOOKS}
        criteria.update(distinctions=list(data["distinctions"]), notes=notes,
                        situations=[c for g in Situation.Group.values for c in data[f"situations_{g}"]])
        payload = {"criteria": criteria, "recommendation": data["recommendation"]}
        if data.get("liaison"):
            payload["liaison"] = data["liaison"]
        return payload


class ReasonForm(forms.Form):
    # Blank is the service's to refuse, with the message it gives every door.
    reason = forms.CharField(label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def service_data(self) -> dict:
        return {"reason": self.cleaned_data["reason"]}


class OpinionForm(forms.Form):
    text = forms.CharField(label=_("纪检监察意见"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def service_data(self) -> dict:
        return {"text": self.cleaned_data["text"]}


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("表决意见"), choices=Outcome.choices, widget=forms.RadioSelect,
                               error_messages={"required": _("请选择表决意见。")})

    def service_data(self) -> dict:
        return {"choice": self.cleaned_data["choice"]}


class NoDataForm(forms.Form):
    def service_data(self) -> dict:
        return {}


ACTION_FORMS = {
    Case.Action.REJECT: ReasonForm, Case.Action.APPEAL: ReasonForm, Case.Action.OPINION: OpinionForm,
    Case.Action.VOTE: VoteForm,
}


class CorrectionForm(forms.Form):
    """Record one of the five correction steps (纠错): who does it and by when."""

    step = forms.ChoiceField(label=_("步骤"), error_messages={"required": _("请选择纠错步骤。")})
    assignee = forms.TypedChoiceField(label=_("责任人"), required=False, coerce=int, empty_value=None)
    due_on = forms.DateField(label=_("完成期限"), required=False, widget=DateInput())

    def __init__(self, *args, steps, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignees = {u.pk: u for u in assignees}
        self.fields["step"].choices = [("", "---------")] + list(steps)
        self.fields["assignee"].choices = [("", _("未指定"))] + [
            (u.pk, u.get_full_name() or u.get_username()) for u in assignees]

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["assignee"] = self.assignees.get(data["assignee"])
        return data


class CorrectionDoneForm(forms.Form):
    """Mark a correction step done, with its evidence."""

    done_on = forms.DateField(label=_("完成日期"), widget=DateInput(),
                              error_messages={"required": _("请填写完成日期。")})
    evidence_text = forms.CharField(label=_("佐证说明"), required=False, max_length=2000)
    evidence_file = forms.FileField(label=_("佐证材料"), required=False,
                                    widget=forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT}))


# The panel (审议组) ----------------------------------------------------------------------------


class PanelForm(forms.Form):
    """Staff name the current round's panel: reviewers chosen by autocomplete among those who
    may sit (selectors.panel_candidates: covering the case or, on appeal, in the jurisdiction
    above; no recusal; not an earlier voter)."""

    reviewers = MultiAutocompleteField(
        User.objects.none(), url_name="fault_tolerance:reviewer-autocomplete", label=_("审议组成员"),
        placeholder=_("输入审核人用户名或姓名搜索"),
        error_messages={
            "invalid_choice": _("所选审核人不能参加本案审议：须为管辖范围覆盖本案（申诉复核时也可为上一级）的审核人，"
                                "且无须回避、未参加前一轮表决。"),
            "invalid_pk_value": _("所选审核人不存在。")})

    def __init__(self, *args, case, eligible, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reviewers"]
        field.queryset = User.objects.filter(pk__in=[u.pk for u in eligible]).order_by("username")
        field.widget.url = reverse("fault_tolerance:reviewer-autocomplete", args=[case.pk])

    def service_data(self) -> dict:
        return {"reviewers": list(self.cleaned_data["reviewers"])}
