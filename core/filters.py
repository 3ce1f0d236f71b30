"""Filters every app's FilterSets share."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .input import MAX_ID


class IdFilter(django_filters.NumberFilter):
    """An object's id: a positive whole number (django-filter's NumberFilter takes any decimal,
    such as 1.5 or -1e300). A bad value is the filter form's error, which the API answers 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


def filtered(filterset_class, data, queryset):
    """queryset narrowed by filterset_class over data; a bad filter raises ValidationError (400)."""
    filterset = filterset_class(data or {}, queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


class _TrueFalseSelect(forms.Select):
    """全部 / 是 / 否, handing the field what was sent as it was (Django's NullBooleanSelect
    turns anything it does not know into "either")."""

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))])

    def format_value(self, value):
        return ["true" if value is True else "false" if value is False else (value or "")]


class _TrueFalseField(forms.NullBooleanField):
    """`true` or `false` (the schema's boolean), empty for either; nothing else. Django's own
    field also takes 1, 0, yes and no, which the schema does not allow."""

    widget = _TrueFalseSelect
    TRUE, FALSE, EMPTY = ("true", "True"), ("false", "False"), ("", "unknown", None)

    def to_python(self, value):
        if value in (True, False):
            return value
        if value in self.TRUE:
            return True
        if value in self.FALSE:
            return False
        if value in self.EMPTY:
            return None
        raise ValidationError(_("请填写 true 或 false。"), code="invalid")

    def validate(self, value):
        pass


class BooleanFilter(django_filters.BooleanFilter):
    """A yes/no filter: `true` or `false`, anything else a bad filter (400)."""

    field_class = _TrueFalseField
