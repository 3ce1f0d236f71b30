"""Forms of assessments."""


# annual-excel ----------------------------------------------------------------------------
from django import forms  # noqa: E402
from django.utils.translation import gettext_lazy as _lazy  # noqa: E402

from core.scoping import unit_scope  # noqa: E402

from .models import YEAR_VALIDATORS  # noqa: E402


class AnnualImportForm(forms.Form):
    """The upload; the service checks the file's size and content (services/annual_excel.py)."""

    file = forms.FileField(
        label=_lazy("Excel 文件（.xlsx）"),
        help_text=_lazy("第 1 行表头：身份证号、姓名、年度、等次（评语可选）；每行一名干部。"),
        widget=forms.ClearableFileInput(attrs={
            "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    )


class AnnualExportForm(forms.Form):
    unit = forms.ModelChoiceField(label=_lazy("单位"), queryset=None)
    year = forms.IntegerField(label=_lazy("年度"), validators=YEAR_VALIDATORS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_scope(user).order_by("path")
