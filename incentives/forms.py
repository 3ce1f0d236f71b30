"""Forms of incentives."""

# ledger, 红黑榜, proposals ----

from django import forms  # noqa: E402
from django.core.validators import MaxValueValidator, MinValueValidator  # noqa: E402
from django.utils.translation import gettext_lazy as _lazy  # noqa: E402

from core.models import Unit  # noqa: E402
from core.scoping import unit_scope  # noqa: E402

from .models import RuleProposal  # noqa: E402

_YEAR_ERRORS = {"invalid": _lazy("请输入四位年份，如 2025。"),
                "min_value": _lazy("年份应在 2000 至 2100 之间。"),
                "max_value": _lazy("年份应在 2000 至 2100 之间。")}


def _ledger_year_field(**kwargs):
    return forms.IntegerField(label=_lazy("年度"), error_messages=_YEAR_ERRORS,
                              validators=[MinValueValidator(2000), MaxValueValidator(2100)],
                              **kwargs)


class LedgerFilterForm(forms.Form):
    """The ledger page's unit (within the user's scope) and year."""

    unit = forms.ModelChoiceField(label=_lazy("单位"), queryset=Unit.objects.none(),
                                  error_messages={"invalid_choice": _lazy("请选择您管辖范围内的单位。")})
    year = _ledger_year_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_scope(user).order_by("path")


class HonorBoardForm(forms.Form):
    """The 红黑榜's year and unit category."""

    year = _ledger_year_field()
    category = forms.ChoiceField(label=_lazy("单位类别"), choices=Unit.Category.choices,
                                 error_messages={"invalid_choice": _lazy("请选择单位类别。")})


class ProposalFilterForm(forms.Form):
    state = forms.ChoiceField(label=_lazy("状态"), required=False,
                              choices=[("", _lazy("全部")), *RuleProposal.State.choices])


class ProposalDismissForm(forms.Form):
    reason = forms.CharField(label=_lazy("不予采纳理由"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _lazy("请填写不予采纳的理由。")})
