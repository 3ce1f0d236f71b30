"""The admin of assessments. Annual and quarterly grades may be written here, through the same
services as every other path (the 优秀 cap and the gates hold); 优秀 rates are set here,
audited. Everything else is read here and written on the pages and the API: codes and ballots
of an appraisal are not in the admin at all, nothing to browse them by."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from core.admin import AuditedModelAdmin, ReadOnlyModelAdmin, ServiceModelAdmin

from .models import (
    AnnualAssessment,
    AnnualImport,
    AnnualReview,
    AppraisalRound,
    EvaluationRound,
    ExcellenceRate,
    FrontlineAssignment,
    FrontlineProject,
    FrontlineRecord,
    PostElectionEvaluation,
    QuarterlyAssessment,
    ReserveListEntry,
    TeamAssessment,
    TeamMeasureProposal,
)
from .selectors.annual import AnnualRow, QuarterlyRow
from .services import annual as annual_services

# appraisal ----


@admin.register(AppraisalRound)
class AppraisalRoundAdmin(ReadOnlyModelAdmin):
    list_display = ("unit", "year", "kind", "closes_at", "voters", "ballots_cast", "sealed")
    list_filter = ("kind", "year")
    list_select_related = ("unit",)
    search_fields = ("unit__name",)
    fields = ("unit", "year", "kind", "closes_at", "voters", "ballots_cast", "sealed", "cadres")


# team ----


# Team grades are entered, and proposals decided, on the pages and the API (services.team),
# which recompute the ranks and keep the proposals in step.


@admin.register(TeamAssessment)
class TeamAssessmentAdmin(ReadOnlyModelAdmin):
    list_display = ("unit", "year", "grade", "score", "category", "rank", "escalation")
    list_filter = ("year", "category", "grade", "escalation")
    search_fields = ("unit__name",)
    list_select_related = ("unit",)


@admin.register(TeamMeasureProposal)
class TeamMeasureProposalAdmin(ReadOnlyModelAdmin):
    list_display = ("cadre", "assessment", "measure", "status", "basis_lost", "decided_at")
    list_filter = ("status", "measure", "basis_lost")
    search_fields = ("cadre__name", "assessment__unit__name")
    list_select_related = ("cadre", "assessment__unit")

# annual ----


def _first_row(exc) -> ValidationError:
    """A one-row RowErrors as the form's field errors (the cap and the gates name themselves)."""
    return ValidationError({name: messages for name, messages in exc.rows.get(0, {}).items()})


class _GradeAdmin(ServiceModelAdmin):
    """Grades are written through annual_save / quarterly_save: the 优秀 cap and the gates hold
    here as on every other path. Never deleted here."""

    autocomplete_fields = ("cadre",)
    list_select_related = ("cadre", "unit")
    search_fields = ("cadre__name",)

    def get_readonly_fields(self, request, obj=None):
        return ("cadre", "year", "quarter") if obj is not None and hasattr(obj, "quarter") else (
            ("cadre", "year") if obj is not None else ())

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AnnualAssessment)
class AnnualAssessmentAdmin(_GradeAdmin):
    list_display = ("cadre", "year", "grade", "unit", "updated_at")
    list_filter = ("year", "grade")
    fields = ("cadre", "year", "grade", "comment")

    def service_save(self, request, obj, form, change):
        data = form.cleaned_data
        cadre = obj.cadre if change else data["cadre"]
        year = obj.year if change else data["year"]
        row = AnnualRow(cadre, year, data.get("grade", obj.grade), data.get("comment", obj.comment) or "")
        try:
            result = annual_services.annual_save(actor=request.user, rows=[row], create_only=not change)
        except annual_services.RowErrors as exc:
            raise _first_row(exc) from exc
        return result.objects[0]


@admin.register(QuarterlyAssessment)
class QuarterlyAssessmentAdmin(_GradeAdmin):
    list_display = ("cadre", "year", "quarter", "grade", "unit")
    list_filter = ("year", "quarter", "grade")
    fields = ("cadre", "year", "quarter", "grade")

    def service_save(self, request, obj, form, change):
        data = form.cleaned_data
        row = QuarterlyRow(obj.cadre if change else data["cadre"], obj.year if change else data["year"],
                           obj.quarter if change else data["quarter"], data.get("grade", obj.grade))
        try:
            result = annual_services.quarterly_save(actor=request.user, rows=[row], create_only=not change)
        except annual_services.RowErrors as exc:
            raise _first_row(exc) from exc
        return result.objects[0]


@admin.register(ExcellenceRate)
class ExcellenceRateAdmin(AuditedModelAdmin):
    """优秀比例 of a unit or a category (administrators): audited."""

    list_display = ("unit", "category", "rate", "basis")
    autocomplete_fields = ("unit",)


@admin.register(AnnualReview)
class AnnualReviewAdmin(ReadOnlyModelAdmin):
    """复核/申诉: read here, written through the services (API annual-reviews/)."""

    list_display = ("assessment", "state", "learned_on", "requested_on", "decided_on", "appealed_on")
    list_filter = ("state",)
    list_select_related = ("assessment__cadre",)

# annual-excel ----------------------------------------------------------------------------


@admin.register(AnnualImport)
class AnnualImportAdmin(ReadOnlyModelAdmin):
    """An import is made on its page or through the API, never edited."""

    list_display = ("id", "name", "state", "rows", "created", "updated", "unchanged",
                    "created_by", "created_at")
    list_filter = ("state",)
    readonly_fields = [f.name for f in AnnualImport._meta.fields]
    exclude = ("file",)

# evaluation ----


@admin.register(EvaluationRound)
class EvaluationRoundAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "year", "unit", "held_on")
    list_select_related = ("unit",)
    search_fields = ("name",)


@admin.register(PostElectionEvaluation)
class PostElectionEvaluationAdmin(ReadOnlyModelAdmin):
    list_display = ("round", "cadre", "unit", "shortlisted_at")
    list_select_related = ("round", "cadre", "unit")
    list_filter = ("round",)
    search_fields = ("cadre__name", "unit__name")


@admin.register(ReserveListEntry)
class ReserveListEntryAdmin(ReadOnlyModelAdmin):
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
class FrontlineProjectAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "unit", "start_date", "end_date")
    list_select_related = ("unit",)
    search_fields = ("name",)
    inlines = [_AssignmentInline]


@admin.register(FrontlineRecord)
class FrontlineRecordAdmin(ReadOnlyModelAdmin):
    list_display = ("date", "cadre", "project", "cadence")
    list_select_related = ("cadre", "project")
    list_filter = ("cadence",)
    search_fields = ("cadre__name", "project__name")
