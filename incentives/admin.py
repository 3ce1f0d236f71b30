"""The admin of incentives."""

from django.contrib import admin

from core.admin import AuditedModelAdmin, ReadOnlyModelAdmin, ServiceModelAdmin

from .models import AccumulationRule, IncentiveRecord, Measure, TimelyReward, UnfitSituation
from .services.rules import rule_update

# catalog, unfit, records, timely rewards ----


class _InUseNotDeleted:
    """A catalog entry in use is deactivated (启用 unticked), never deleted."""

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self.in_use(obj):
            return False
        return super().has_delete_permission(request, obj)

    def has_add_permission(self, request):
        return bool(request.user.is_active and request.user.is_admin)

    def has_change_permission(self, request, obj=None):
        return bool(request.user.is_active and request.user.is_admin)


@admin.register(Measure)
class MeasureAdmin(_InUseNotDeleted, AuditedModelAdmin):
    list_display = ("code", "name", "direction", "kind", "points", "is_active")
    list_filter = ("direction", "kind", "is_active")
    search_fields = ("code", "name")
    actions = None

    def in_use(self, obj) -> bool:
        return (obj.records.exists() or obj.rules.exists() or obj.timely_rewards.exists())

    def get_readonly_fields(self, request, obj=None):
        # Rules, ledgers and other systems name a measure in use by its code.
        return ("code",) if obj is not None and self.in_use(obj) else ()


@admin.register(UnfitSituation)
class UnfitSituationAdmin(_InUseNotDeleted, AuditedModelAdmin):
    list_display = ("code", "group", "name", "order", "is_active")
    list_filter = ("group", "is_active")
    search_fields = ("code", "name")
    actions = None

    def in_use(self, obj) -> bool:
        return obj.records.exists()


@admin.register(IncentiveRecord)
class IncentiveRecordAdmin(ReadOnlyModelAdmin):
    list_display = ("date", "cadre", "unit", "measure", "source", "document_number")
    list_filter = ("source", "measure__direction")
    search_fields = ("cadre__name", "unit__name", "document_number")
    list_select_related = ("cadre", "unit", "measure")
    show_full_result_count = False


@admin.register(TimelyReward)
class TimelyRewardAdmin(ReadOnlyModelAdmin):
    list_display = ("date", "cadre", "unit", "condition", "state", "nominated_by", "decided_by")
    list_filter = ("state", "condition")
    list_select_related = ("cadre", "unit", "nominated_by", "decided_by")

# rules ----


@admin.register(AccumulationRule)
class AccumulationRuleAdmin(ServiceModelAdmin):
    """累加规则: administrators change a rule's parameters, measure, label or confirmation;
    every change is a new version (services.rules.rule_update), the old ones stay, read-only."""

    list_display = ("code", "version", "is_current", "kind", "label", "measure",
                    "needs_confirmation")
    list_filter = ("is_current", "kind")
    search_fields = ("code", "label")
    list_select_related = ("measure",)
    fields = ("code", "version", "kind", "params", "measure", "label", "needs_confirmation")
    readonly_fields = ("code", "version", "kind")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return bool(request.user.is_active and getattr(request.user, "is_admin", False)) and (
            obj is None or obj.is_current)

    def service_save(self, request, obj, form, change):
        fields = self.service_fields(form, change)
        return rule_update(actor=request.user, rule=obj, **fields)
