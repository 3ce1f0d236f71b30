"""The admin of assessments: grades are read here and written through the services (the same
rules as every other path)."""


# evaluation ----

from django.contrib import admin  # noqa: E402

from .models import (  # noqa: E402
    EvaluationRound,
    FrontlineAssignment,
    FrontlineProject,
    FrontlineRecord,
    PostElectionEvaluation,
    ReserveListEntry,
)


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Shown for reference; written only through the services (pages and API)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EvaluationRound)
class EvaluationRoundAdmin(_ReadOnlyAdmin):
    list_display = ("name", "year", "unit", "held_on")
    list_select_related = ("unit",)
    search_fields = ("name",)


@admin.register(PostElectionEvaluation)
class PostElectionEvaluationAdmin(_ReadOnlyAdmin):
    list_display = ("round", "cadre", "unit", "shortlisted_at")
    list_select_related = ("round", "cadre", "unit")
    list_filter = ("round",)
    search_fields = ("cadre__name", "unit__name")


@admin.register(ReserveListEntry)
class ReserveListEntryAdmin(_ReadOnlyAdmin):
    list_display = ("cadre", "source", "listed_on", "note")
    list_select_related = ("cadre",)
    list_filter = ("source",)
    search_fields = ("cadre__name",)


# frontline ----


class _AssignmentInline(admin.TabularInline):
    model = FrontlineAssignment
    fields = ("cadre", "attached_on")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FrontlineProject)
class FrontlineProjectAdmin(_ReadOnlyAdmin):
    list_display = ("name", "unit", "start_date", "end_date")
    list_select_related = ("unit",)
    search_fields = ("name",)
    inlines = [_AssignmentInline]


@admin.register(FrontlineRecord)
class FrontlineRecordAdmin(_ReadOnlyAdmin):
    list_display = ("date", "cadre", "project", "cadence")
    list_select_related = ("cadre", "project")
    list_filter = ("cadence",)
    search_fields = ("cadre__name", "project__name")
