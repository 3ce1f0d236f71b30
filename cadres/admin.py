"""Units and cadres in the Django admin, written through cadres.services.

Neither is deleted here: a unit is referenced by cadres and history, a cadre's record
is kept for good; a cadre who leaves is marked 调离/退休/免职 instead."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceModelAdmin

from . import services
from .models import Cadre, Unit


class _NoDelete:
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(_NoDelete, ServiceModelAdmin):
    list_display = ("name", "code", "parent", "kind", "category", "depth")
    list_filter = ("kind", "category")
    search_fields = ("name", "=code")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    fields = services.UNIT_FIELDS
    show_full_result_count = False

    def service_save(self, request, obj, form, change):
        fields = self.service_fields(form, change)
        if change:
            return services.unit_update(unit=obj, actor=request.user, **fields)
        return services.unit_create(actor=request.user, **fields)


@admin.register(Cadre)
class CadreAdmin(_NoDelete, ServiceModelAdmin):
    list_display = ("name", "gender", "unit", "position_title", "post_level", "status", "id_number_masked")
    list_filter = ("status", "post_level", "is_reserve")
    # The ID number is searched only whole (=), so a fragment never lists matching people.
    search_fields = ("name", "=id_number")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)
    fields = services.CADRE_FIELDS
    show_full_result_count = False

    @admin.display(description=_("身份证号"))
    def id_number_masked(self, cadre):
        return cadre.id_number_masked

    def service_save(self, request, obj, form, change):
        fields = self.service_fields(form, change)
        if change:
            return services.cadre_update(cadre=obj, actor=request.user, **fields)
        return services.cadre_create(actor=request.user, **fields)
