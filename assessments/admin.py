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


# team ----

from .models import TeamAssessment, TeamMeasureProposal  # noqa: E402


class _TeamReadOnly:
    """Shown for reference: grades are entered, and proposals decided, on the pages and the API
    (services.team), which recompute the ranks and keep the proposals in step."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@_admin.register(TeamAssessment)
class TeamAssessmentAdmin(_TeamReadOnly, _admin.ModelAdmin):
    list_display = ("unit", "year", "grade", "score", "category", "rank", "escalation")
    list_filter = ("year", "category", "grade", "escalation")
    search_fields = ("unit__name",)
    list_select_related = ("unit",)


@_admin.register(TeamMeasureProposal)
class TeamMeasureProposalAdmin(_TeamReadOnly, _admin.ModelAdmin):
    list_display = ("cadre", "assessment", "measure", "status", "basis_lost", "decided_at")
    list_filter = ("status", "measure", "basis_lost")
    search_fields = ("cadre__name", "assessment__unit__name")
    list_select_related = ("cadre", "assessment__unit")
