"""The admin of assessments: grades are read here and written through the services (the same
rules as every other path)."""


# appraisal ----
# Rounds are read here (opened on the pages or the API, which show the codes once); codes and
# ballots are not in the admin at all: nothing to browse them by.
from django.contrib import admin as _admin  # noqa: E402

from .models import AppraisalRound  # noqa: E402


@_admin.register(AppraisalRound)
class AppraisalRoundAdmin(_admin.ModelAdmin):
    list_display = ("unit", "year", "kind", "closes_at", "voters", "ballots_cast", "sealed")
    list_filter = ("kind", "year")
    list_select_related = ("unit",)
    search_fields = ("unit__name",)
    fields = ("unit", "year", "kind", "closes_at", "voters", "ballots_cast", "sealed", "cadres")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False
