"""The API's filter backend: django-filter's, held to the schema (issue 7, item 13).

- A list's filters apply to the list only. On a detail route `?kind=...` is not a search: the
  object answers whatever the query string says (DRF's get_object would otherwise filter the
  one object out and answer 404).
- A filter parameter sent empty (`?kind=`) is 400 in the API. The pages share the FilterSets,
  where an empty choice means "any" (请选择); a program that sends an empty value has made a
  mistake, and the schema does not allow it. Free-text filters (`q`) may be empty."""

import django_filters
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError


class FilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        if getattr(view, "detail", False):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            empty = sorted(
                name
                for name, value in request.query_params.lists()
                if name in filterset.filters
                and not isinstance(filterset.filters[name], django_filters.CharFilter)
                and any(v.strip() == "" for v in value)
            )
            if empty:
                raise ValidationError(
                    {name: [_("不能为空：不需要此条件时请省略该参数。")] for name in empty}
                )
        return filterset
