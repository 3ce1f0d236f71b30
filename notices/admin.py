"""The admin of notices: for reference only. Drafts are written, and notices published, through
the pages and the API (services, with their rules and audit); a published notice never changes,
so the admin refuses to change or delete one even if a form reaches its save path."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from core.admin import AuditedModelAdmin, ReadOnlyModelAdmin

from .models import IssuingBody, Notice, NoticeCadre, NoticeSequence
from .permissions import notice_visible_q


def _refuse_published(obj) -> None:
    if obj.pk and Notice.objects.filter(pk=obj.pk, state=Notice.State.PUBLISHED).exists():
        raise PermissionDenied(_("已发布的公告不能修改或删除。"))


class NoticeCadreInline(admin.TabularInline):
    model = NoticeCadre
    fields = ("position", "cadre", "proposed_post", "note", "exceptional_reason")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(ReadOnlyModelAdmin):
    list_display = ("document_number", "kind", "title", "issuing_unit", "state", "issued_on",
                    "created_at")
    list_filter = ("kind", "state", "year")
    search_fields = ("document_number", "title", "verification_code")
    list_select_related = ("issuing_unit",)
    exclude = ("subjects",)
    readonly_fields = ("kind", "state", "issuing_unit", "title", "preamble", "closing", "cc",
                       "case", "clarification", "records", "period_start", "period_days",
                       "period_end", "corrects", "year", "sequence", "document_number",
                       "issued_on", "content", "sha256", "verification_code", "signed",
                       "published_at", "published_by", "created_by", "created_at", "updated_at")
    inlines = [NoticeCadreInline]
    actions = None
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(notice_visible_q(request.user))

    # The admin never writes a notice; should a save or delete reach it, a published one is
    # refused outright (a draft is edited on its page, through the services).
    def save_model(self, request, obj, form, change):
        _refuse_published(obj)
        raise PermissionDenied(_("公告请在“公示公告”页面起草和修改。"))

    def delete_model(self, request, obj):
        _refuse_published(obj)
        raise PermissionDenied(_("公告请在“公示公告”页面起草和修改。"))

    def delete_queryset(self, request, queryset):
        raise PermissionDenied(_("已发布的公告不能修改或删除。"))


@admin.register(NoticeSequence)
class NoticeSequenceAdmin(ReadOnlyModelAdmin):
    list_display = ("scope", "kind", "year", "last")
    list_filter = ("kind", "year")
    actions = None


@admin.register(IssuingBody)
class IssuingBodyAdmin(AuditedModelAdmin):
    """发文机关 (administrators): a 组织部's name and 代字 for the notices issued under its unit;
    audited. A change applies to notices published afterwards; published ones keep theirs."""

    list_display = ("name", "code", "unit")
    search_fields = ("name", "code", "unit__name")
    autocomplete_fields = ("unit",)
