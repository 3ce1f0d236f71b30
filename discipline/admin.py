"""The admin for discipline: the dishonesty list administrators may correct, sanctions recorded
through the service; clarifications and re-use are read here and written only by the services."""

from django.contrib import admin

from core.admin import AuditedModelAdmin, ReadOnlyModelAdmin, ServiceModelAdmin

from . import services
from .models import Clarification, DishonestyEntry, Reuse, Sanction


@admin.register(Clarification)
class ClarificationAdmin(ReadOnlyModelAdmin):
    list_display = ("cadre", "manner", "clarified_on", "follow_up_on", "malicious")
    list_filter = ("manner", "malicious")
    list_select_related = ("cadre",)
    search_fields = ("cadre__name",)


@admin.register(DishonestyEntry)
class DishonestyEntryAdmin(AuditedModelAdmin):
    """失信黑名单: entered by the clarification service; administrators may correct or remove an entry."""

    list_display = ("name", "listed_on", "clarification")
    search_fields = ("name",)
    raw_id_fields = ("clarification",)
    list_select_related = ("clarification__cadre",)

    def has_add_permission(self, request):
        return False


@admin.register(Sanction)
class SanctionAdmin(ServiceModelAdmin):
    list_display = ("cadre", "kind", "decided_on", "effect_ends_on", "document_number")
    list_filter = ("kind",)
    search_fields = ("cadre__name", "document_number")
    autocomplete_fields = ("cadre",)
    list_select_related = ("cadre",)
    fields = ("cadre", "kind", "decided_on", "document_number", "reason")

    def service_save(self, request, obj, form, change):
        return services.sanction_create(actor=request.user, **self.service_fields(form, change))

    def has_change_permission(self, request, obj=None):
        # A sanction is recorded once; a wrong one is corrected by the discipline body, not edited here.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reuse)
class ReuseAdmin(ReadOnlyModelAdmin):
    list_display = ("appointment", "sanction", "created_at")
    list_select_related = ("appointment__cadre", "sanction__cadre")
