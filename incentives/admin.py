"""The admin of incentives."""


# rules ----
from django.contrib import admin as _admin  # noqa: E402

from core.admin import ServiceModelAdmin  # noqa: E402

from .models import AccumulationRule  # noqa: E402
from .services.rules import rule_update  # noqa: E402


@_admin.register(AccumulationRule)
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
