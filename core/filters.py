"""Filters every app's FilterSets share."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError

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
