"""The admin for fault tolerance: the catalogs administrators edit (situations, policies), each edit audited; cases and what hangs off them are read here and
changed only through the services (the pages and the API), so every rule still applies."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import AuditedModelAdmin

from .models import (
    Case,
    CaseAttachment,
    Correction,
    Decision,
    Policy,
    Situation,
)


@admin.register(Situation)
class SituationAdmin(AuditedModelAdmin):
    list_display = ("code", "group", "short_description", "active", "order")
    list_filter = ("group", "active")
    list_editable = ("active", "order")
    search_fields = ("code", "description")
    ordering = ("group", "order", "code")

    @admin.display(description=_("情形"))
    def short_description(self, situation):
        return situation.description[:60]

    def has_delete_permission(self, request, obj=None):
        # Cases tick situations: retire one by unticking 启用, so old cases still name it.
        return False


@admin.register(Policy)
class PolicyAdmin(AuditedModelAdmin):
    list_display = ("__str__", "quorum", "majority", "intake_days", "decision_days", "appeal_days",
                    "attachment_max_mb")
    autocomplete_fields = ("jurisdiction",)
    list_select_related = ("jurisdiction",)


class _ReadOnly:
    """Shown for reference; changed only through the services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AttachmentInline(_ReadOnly, admin.TabularInline):
    model = CaseAttachment
    fields = ("name", "kind", "size", "sha256", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    extra = 0


class DecisionInline(_ReadOnly, admin.TabularInline):
    model = Decision
    fields = ("round", "outcome", "votes", "decided_by", "decided_at")
    readonly_fields = fields
    extra = 0


@admin.register(Case)
class CaseAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ("id", "title", "state", "outcome", "round", "jurisdiction", "created_by", "submitted_on",
                    "decision_due")
    list_filter = ("state", "outcome", "field", "source")
    search_fields = ("title", "=id")
    list_select_related = ("jurisdiction", "created_by")
    raw_id_fields = ("subject_cadres", "subject_units")
    inlines = [AttachmentInline, DecisionInline]
    show_full_result_count = False


@admin.register(Correction)
class CorrectionAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ("case", "step", "assignee", "due_on", "done_on")
    list_filter = ("step",)
    list_select_related = ("case", "assignee")
    search_fields = ("case__title",)
