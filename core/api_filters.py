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


def refuse_empty_filter_values(filterset_class, query_params) -> None:
    """Raise ValidationError (400) naming each filter of filterset_class sent empty, free-text
    filters aside. For list views that filter without the backend (a selector's fast path)."""
    filters = filterset_class.base_filters
    empty = sorted(
        name
        for name, values in query_params.lists()
        if name in filters
        and not isinstance(filters[name], django_filters.CharFilter)
        and any(value.strip() == "" for value in values)
    )
    if empty:
        message = _("不能为空：不需要此条件时请省略该参数。")
        raise ValidationError({name: [message] for name in empty})


class FilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        if getattr(view, "detail", False):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            refuse_empty_filter_values(filterset_class, request.query_params)
        return super().get_filterset(request, queryset, view)
