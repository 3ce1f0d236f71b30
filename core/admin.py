"""The Django admin for accounts, the audit trail and jobs, plus the two bases every app's
admin uses so that an edit made in the admin is attributable like any other:

- AuditedModelAdmin: for catalogs without a service; each save and delete writes an
  audit entry (core.audit) in the admin's own transaction.
- ServiceModelAdmin: for domain models that have services; add and change go through
  them, so the admin obeys the same rules and writes the same history as the pages and the API.
"""

from django import forms
from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .accounts import USER_AUDITED
from .audit import audit_create, audit_record, diff, snapshot
from .errors import Conflict
from .forms import AdminLoginForm, add_service_errors
from .models import AuditEntry, CalendarYear, HolidayDay, Job, Role, User

_EMPTY = (None, "", [], {})

admin.site.login_form = AdminLoginForm  # the username length held (core.forms)
# Branded, in Chinese: administrators work here (the holiday calendar, policies, accounts).
admin.site.site_header = _("担当 · 系统管理")
admin.site.site_title = _("担当系统管理")
admin.site.index_title = _("系统管理")
admin.site.site_url = "/"
# django-axes names its app "Axes" with no verbose name; its models' names are translated in
# locale/zh_Hans (its own catalogue has no Chinese).
django_apps.get_app_config("axes").verbose_name = _("登录防护")


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Shown for reference: added, changed and removed only through the services (the pages and
    the API), which keep the rules and the audit."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedModelAdmin(admin.ModelAdmin):
    """Writes an audit entry for every add, change and delete made in the admin."""

    # Which fields the history records; default: the model's AUDITED, else its editable fields.
    audited_fields: tuple[str, ...] | None = None

    def get_audited_fields(self) -> tuple[str, ...]:
        if self.audited_fields is not None:
            return tuple(self.audited_fields)
        declared = getattr(self.model, "AUDITED", None)
        if declared:
            return tuple(declared)
        opts = self.model._meta
        names = [f.name for f in opts.concrete_fields if f.editable and not f.primary_key]
        names += [f.name for f in opts.many_to_many]
        return tuple(n for n in names if n != "password")

    def save_model(self, request, obj, form, change):
        # The form has already changed obj in memory: read "before" from the locked row.
        if change:
            stored = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
            form._audit_before = snapshot(stored, self.get_audited_fields())
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # Many-to-many values are saved here, after save_model: only now is "after" complete.
        super().save_related(request, form, formsets, change)
        obj, fields = form.instance, self.get_audited_fields()
        if not change:
            audit_create(obj=obj, actor=request.user, fields=fields)
            return
        changes = diff(getattr(form, "_audit_before", {}), snapshot(obj, fields))
        if changes:
            audit_record(obj=obj, actor=request.user, action="update", changes=changes)

    def _audit_delete(self, request, obj) -> None:
        before = snapshot(obj, self.get_audited_fields())
        changes = {k: [v, None] for k, v in before.items() if v not in _EMPTY}
        audit_record(
            obj=obj, actor=request.user, action="delete", changes=changes, record_empty=True
        )

    def delete_model(self, request, obj):
        self._audit_delete(request, obj)
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        # The changelist's bulk delete is not atomic by itself: entries and deletes go together.
        for obj in queryset:
            self._audit_delete(request, obj)
        super().delete_queryset(request, queryset)


class _DryRun(Exception):
    """Raised to roll back a trial run of a service."""


class ServiceModelAdmin(admin.ModelAdmin):
    """Add and change through the app's services.

    The services own validation beyond a field's shape (an ID number's check digit, a unit
    moved under itself). To show their errors on the admin form rather than as a 500, the
    form runs the service once in a transaction that is always rolled back; save_model then
    runs it for real. Subclasses implement `service_save`."""

    def service_save(self, request, obj, form, change):
        """Create or update through the service; return the saved object."""
        raise NotImplementedError

    def service_fields(self, form, change) -> dict:
        """The values to hand the service: on change, only the fields the form changed."""
        names = form.changed_data if change else list(form.cleaned_data)
        return {n: form.cleaned_data[n] for n in names if n in form.cleaned_data}

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ServiceCheckedForm(form_class):
            def _post_clean(self):
                super()._post_clean()
                if self.errors:
                    return
                try:
                    with transaction.atomic():
                        model_admin.service_save(request, self.instance, self, change)
                        raise _DryRun
                except _DryRun:
                    pass
                except ValidationError as exc:
                    add_service_errors(self, exc)
                except Conflict as exc:  # the same row already there, say: the form's error, not a 500
                    self.add_error(None, exc.message)

        return ServiceCheckedForm

    def save_model(self, request, obj, form, change):
        saved = self.service_save(request, obj, form, change)
        # The admin goes on using obj (change message, redirect to its pk): give it the saved state.
        obj.__dict__.update(saved.__dict__)


# Accounts ---------------------------------------------------------------------


def _roles_field() -> forms.MultipleChoiceField:
    # roles is a JSON list on the model: offer the five roles as checkboxes, not raw JSON.
    return forms.MultipleChoiceField(
        choices=Role.choices, required=False, label=_("角色"), widget=forms.CheckboxSelectMultiple)


class DandangUserChangeForm(UserChangeForm):
    roles = _roles_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True  # the table allows blank only for old accounts

    class Meta(UserChangeForm.Meta):
        model = User


class DandangUserCreationForm(UserCreationForm):
    roles = _roles_field()

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "name", "roles")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True


@admin.register(User)
class DandangUserAdmin(AuditedModelAdmin, UserAdmin):
    form = DandangUserChangeForm
    add_form = DandangUserCreationForm
    audited_fields = USER_AUDITED
    list_display = ("username", "name", "role_labels", "is_active", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("username", "name", "first_name", "last_name", "email")
    # A city has 2,000 units and 100,000 cadres: choose them by search, never from a full list.
    # (A cadre's own account is linked from the cadre record, through the users/ API.)
    autocomplete_fields = ("units",)
    fieldsets = (
        (None, {"fields": ("username", "name", "password")}),
        *UserAdmin.fieldsets[1:],
        (_("担当：角色与管辖范围"), {"fields": ("roles", "units", "is_api_client")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",),
                "fields": ("username", "name", "password1", "password2", "roles")}),
    )
    show_full_result_count = False

    @admin.display(description=_("角色"))
    def role_labels(self, user):
        labels = dict(Role.choices)
        return "、".join(str(labels.get(r, r)) for r in user.roles or [])

    def user_change_password(self, request, id, form_url=""):
        # The password form saves the user itself, outside save_model: audit it here,
        # the way core.accounts does (that it changed, never the hash).
        with transaction.atomic():
            user = self.get_object(request, unquote(id))
            before = user.password if user else None
            response = super().user_change_password(request, id, form_url)
            if user is not None:
                user.refresh_from_db(fields=["password"])
                if user.password != before:
                    audit_record(obj=user, actor=request.user, action="update",
                                 changes={"password": ["***", "***"]})
        return response


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail, read-only: an entry edited or deleted would break the chain."""

    list_display = ("id", "at", "actor_username", "action", "content_type", "object_id", "object_repr")
    list_filter = ("action", "content_type")
    search_fields = ("=actor_username", "object_repr", "=object_id")
    list_select_related = ("content_type",)
    ordering = ("-id",)
    show_full_result_count = False
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "state", "progress", "created_by", "created_at", "finished_at")
    list_filter = ("state", "kind")
    list_select_related = ("created_by",)
    readonly_fields = [f.name for f in Job._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The holiday calendar ---------------------------------------------------------------------


class HolidayNoticeForm(forms.Form):
    text = forms.CharField(
        label=_("通知全文"), widget=forms.Textarea(attrs={"rows": 16, "cols": 90}),
        help_text=_("粘贴《国务院办公厅关于××××年部分节假日安排的通知》全文（含标题），"
                    "先预览核对，再保存。"))
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100,
                              help_text=_("粘贴的文本不含标题时填写。"))
    source = forms.CharField(label=_("数据来源"), max_length=200, initial=_("国务院办公厅通知"))


class HolidayDayInline(admin.TabularInline):
    model = HolidayDay
    fields = ("date", "is_workday", "name")
    extra = 0
    ordering = ("date",)


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedModelAdmin):
    """A year's holidays and make-up working days, entered when the State Council publishes
    them; working days are counted only in years marked complete (core.workdays)."""

    list_display = ("year", "complete", "source")
    inlines = [HolidayDayInline]
    change_list_template = "admin/core/calendaryear/change_list.html"

    def get_urls(self):
        from django.urls import path

        return [path("notice/", self.admin_site.admin_view(self.notice_view), name="core_calendaryear_notice"),
                *super().get_urls()]

    def notice_view(self, request):
        """Paste the State Council's notice: read it, preview the days, then save the year."""
        from django.contrib import messages
        from django.core.exceptions import PermissionDenied
        from django.shortcuts import redirect
        from django.template.response import TemplateResponse

        from .holiday_notice import calendar_year_from_notice, notice_parse

        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        form = HolidayNoticeForm(request.POST or None)
        notice = None
        if request.method == "POST" and form.is_valid():
            try:
                notice = notice_parse(form.cleaned_data["text"], year=form.cleaned_data["year"])
                if "save" in request.POST:
                    year = calendar_year_from_notice(
                        notice=notice, source=form.cleaned_data["source"], actor=request.user)
                    messages.success(request, _("%(year)s年的节假日安排已保存，按预计计算的期限将重新计算。")
                                     % {"year": year.year})
                    return redirect("admin:core_calendaryear_changelist")
            except ValidationError as exc:
                form.add_error(None, exc)
                notice = None
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "notice": notice, "title": _("录入国务院节假日安排通知"),
                   "status": 400 if form.errors else 200}
        return TemplateResponse(request, "admin/core/calendaryear/notice.html", context,
                                status=context["status"])

    @staticmethod
    def _days(year) -> list[str]:
        rows = HolidayDay.objects.filter(calendar_year=year).order_by("date")
        return [f"{d.date.isoformat()} {'上班' if d.is_workday else '休'} {d.name}".strip() for d in rows]

    def save_related(self, request, form, formsets, change):
        # The inline days are part of the year's history, and deadlines waiting on this year
        # are counted once it is saved (core.workdays.calendar_changed).
        from .workdays import calendar_changed

        before = self._days(form.instance) if change else []
        super().save_related(request, form, formsets, change)
        after = self._days(form.instance)
        if before != after:
            audit_record(obj=form.instance, actor=request.user, action="update", changes={"days": [before, after]})
        transaction.on_commit(lambda: calendar_changed.send(sender=CalendarYear))
