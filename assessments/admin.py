"""The admin of assessments: grades are read here and written through the services (the same
rules as every other path)."""

# annual-excel ----------------------------------------------------------------------------
from django.contrib import admin as _admin  # noqa: E402

from .models import AnnualImport  # noqa: E402


@_admin.register(AnnualImport)
class AnnualImportAdmin(_admin.ModelAdmin):
    """Read only: an import is made on its page or through the API, never edited."""

    list_display = ("id", "name", "state", "rows", "created", "updated", "unchanged",
                    "created_by", "created_at")
    list_filter = ("state",)
    readonly_fields = [f.name for f in AnnualImport._meta.fields]
    exclude = ("file",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
