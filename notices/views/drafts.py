"""Pages of notices: the list (filters, a button per kind to start a draft), the draft form of
each kind (create and edit; a 任前公示's cadres as a formset), the detail page (state, number,
SHA-256, verification link, content, history, corrections), the browser preview (the PDF's own
HTML, marked 草稿), publishing (with a confirmation step) and the PDF download.

Sources start drafts by linking to the create page with the objects chosen: `?cadre=…`
(repeated, from the cadre list), `?case=`, `?clarification=`, `?record=…` (repeated, from the
incentive records list), `?corrects=` (a correction of a published notice)."""

from __future__ import annotations

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms.utils import ErrorDict
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.selectors import cadre_list
from core.input import as_id
from core.services import require_role
from core.views import form_refusals

from .. import permissions
from ..forms import EntryFormSet, NoticeFilterForm, NoticeForm, PublishForm
from ..models import Notice
from ..selectors import corrections_of, default_issuing_unit, notice_get
from ..selectors import notice_list as select_notices
from ..services import notice_create, notice_publish, notice_update
from ..services.content import build_content
from ..services.drafts import DEFAULT_TITLES
from ..services.files import notice_pdf_file
from ..services.render import render_html, verify_url

PAGE_SIZE = 50
WRITE_ROLES = permissions.WRITE_ROLES


def _kind_or_404(kind: str) -> str:
    if kind not in Notice.Kind.values:
        raise Http404
    return kind


@login_required
def notice_list(request):
    """The notices the user may see, with the house filter bar."""
    form = NoticeFilterForm(request.GET or None, user=request.user)
    rows = select_notices(user=request.user)
    if form.is_bound:
        if form.is_valid():
            try:
                rows = select_notices(user=request.user, filters=form.filters())
            except ValidationError as exc:
                form.add_error(None, exc)
                rows = rows.none()
        else:
            rows = rows.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/notice_list.html", {
        "form": form, "page_obj": page, "kinds": Notice.Kind.choices,
        "can_create": permissions.can_write(request.user)})


def _initial_for(request, kind: str) -> tuple[dict, list[dict]]:
    """The create form's initial values from the source the user came from."""
    user, initial, entries = request.user, {}, []
    unit = default_issuing_unit(user) if permissions.can_write(user) else None
    if unit is not None:
        initial["issuing_unit"] = unit.pk
    ids = [i for i in (as_id(v) for v in request.GET.getlist("cadre")) if i]
    if kind == Notice.Kind.PRE_APPOINTMENT and ids:
        found = {c.pk: c for c in cadre_list(user=user).filter(pk__in=ids[:200])}
        entries = [{"cadre": found[i].pk} for i in dict.fromkeys(ids) if i in found]
    for name in ("case", "clarification", "corrects"):
        if as_id(request.GET.get(name)):
            initial[name] = as_id(request.GET.get(name))
    records = [i for i in (as_id(v) for v in request.GET.getlist("record")) if i]
    if records:
        initial["records"] = records
    corrected = initial.get("corrects")
    if corrected:
        original = select_notices(user=user).filter(
            pk=corrected, kind=kind, state=Notice.State.PUBLISHED).first()
        if original is None:
            del initial["corrects"]
        else:
            initial.update(_copy_of(original))
            if kind == Notice.Kind.PRE_APPOINTMENT and not entries:
                entries = [{"cadre": e.cadre_id, "proposed_post": e.proposed_post, "note": e.note,
                            "exceptional_reason": e.exceptional_reason}
                           for e in original.entries.all()]
    return initial, entries


def _copy_of(original: Notice) -> dict:
    """A correction starts as a copy of what it corrects."""
    return {"title": _("关于更正%(number)s的公告") % {"number": original.document_number},
            "issuing_unit": original.issuing_unit_id, "preamble": original.preamble,
            "closing": original.closing, "cc": original.cc, "case": original.case_id,
            "clarification": original.clarification_id, "period_days": original.period_days,
            "records": list(original.records.values_list("pk", flat=True))}


def _objections() -> dict:
    return dict(settings.DANDANG["NOTICE_OBJECTIONS"])


def _render_form(request, *, kind, form, formset, notice=None, status=200):
    return render(request, "notices/notice_form.html", {
        "form": form, "formset": formset, "kind": kind, "notice": notice,
        "kind_label": Notice.Kind(kind).label, "objections": _objections(),
        "is_pre_appointment": kind == Notice.Kind.PRE_APPOINTMENT}, status=status)


def _save(request, *, kind, notice=None):
    """Check the form (and the formset), then hand it to the service: its refusals become the
    form's errors with their status (400, 403, 409)."""
    is_pre = kind == Notice.Kind.PRE_APPOINTMENT
    if is_pre and request.POST.get("add_row"):
        return _add_row(request, kind=kind, notice=notice)
    form = NoticeForm(request.POST, user=request.user, kind=kind)
    formset = EntryFormSet(request.POST, prefix="entries",
                           form_kwargs={"user": request.user}) if is_pre else None
    valid = form.is_valid() & (formset.is_valid() if formset is not None else True)
    if not valid:
        return _render_form(request, kind=kind, form=form, formset=formset, notice=notice,
                            status=400)
    data = form.service_data()
    if not (data.get("title") or "").strip():
        data["title"] = DEFAULT_TITLES[kind]
    if formset is not None:
        data["entries"] = formset.entries()
    with form_refusals(form) as refused:
        if notice is None:
            saved = notice_create(actor=request.user, kind=kind, **data)
        else:
            saved = notice_update(actor=request.user, notice=notice, **data)
    if refused:
        if formset is not None and "entries" in form.errors:
            # The service names the entries as a whole: show it at the top of the form.
            form.add_error(None, form.errors.pop("entries"))
        return _render_form(request, kind=kind, form=form, formset=formset, notice=notice,
                            status=refused.status)
    messages.success(request, _("草稿已保存。") if notice is None else _("草稿已更新。"))
    return redirect(saved.get_absolute_url())


def _add_row(request, *, kind, notice):
    """增加一行 (without scripts): the form as sent, one more blank cadre row, nothing checked
    or saved yet."""
    data = request.POST.copy()
    total = as_id(data.get("entries-TOTAL_FORMS")) or 0
    data["entries-TOTAL_FORMS"] = str(min(total + 1, 200))
    form = NoticeForm(data, user=request.user, kind=kind)
    formset = EntryFormSet(data, prefix="entries", form_kwargs={"user": request.user})
    form._errors = ErrorDict()  # shown as sent, not yet checked
    formset._errors, formset._non_form_errors = [], formset.error_class()
    for entry in formset.forms:
        entry._errors = ErrorDict()
    return _render_form(request, kind=kind, form=form, formset=formset, notice=notice)


@login_required
def notice_create_view(request, kind: str):
    kind = _kind_or_404(kind)
    require_role(request.user, *WRITE_ROLES)
    if request.method == "POST":
        return _save(request, kind=kind)
    initial, entries = _initial_for(request, kind)
    form = NoticeForm(initial=initial, user=request.user, kind=kind)
    formset = (EntryFormSet(prefix="entries", initial=entries,
                            form_kwargs={"user": request.user})
               if kind == Notice.Kind.PRE_APPOINTMENT else None)
    return _render_form(request, kind=kind, form=form, formset=formset)


@login_required
def notice_edit_view(request, pk: int):
    notice = notice_get(user=request.user, pk=pk)
    require_role(request.user, *WRITE_ROLES)
    if not permissions.can_edit_notice(request.user, notice):
        raise PermissionDenied(_("您无权修改该公告。"))
    if notice.is_published:
        messages.error(request, _("已发布的公告不能修改；如需更正，请另起草一份更正公告。"))
        return redirect(notice.get_absolute_url())
    if request.method == "POST":
        return _save(request, kind=notice.kind, notice=notice)
    initial = {"title": notice.title, "issuing_unit": notice.issuing_unit_id,
               "preamble": notice.preamble, "closing": notice.closing, "cc": notice.cc,
               "corrects": notice.corrects_id, "period_start": notice.period_start,
               "period_days": notice.period_days, "case": notice.case_id,
               "clarification": notice.clarification_id,
               "records": [r.pk for r in notice.records.all()]}
    form = NoticeForm(initial=initial, user=request.user, kind=notice.kind)
    formset = None
    if notice.kind == Notice.Kind.PRE_APPOINTMENT:
        formset = EntryFormSet(prefix="entries", form_kwargs={"user": request.user}, initial=[
            {"cadre": e.cadre_id, "proposed_post": e.proposed_post, "note": e.note,
             "exceptional_reason": e.exceptional_reason} for e in notice.entries.all()])
    return _render_form(request, kind=notice.kind, form=form, formset=formset, notice=notice)


def _detail_context(request, notice: Notice, publish_form=None) -> dict:
    user = request.user
    content = notice.content if notice.is_published else build_content(
        notice, today=timezone.localdate(), strict=False)
    missing = {}
    if not notice.is_published:
        try:
            build_content(notice, today=timezone.localdate(), strict=True)
        except ValidationError as exc:
            missing = exc.message_dict
    can_edit = permissions.can_edit_notice(user, notice)
    return {
        "notice": notice, "content": content, "missing": missing,
        "can_edit": can_edit and not notice.is_published,
        "can_publish": can_edit and not notice.is_published,
        "can_correct": notice.is_published and permissions.can_write(user),
        "corrections": corrections_of(user=user, notice=notice),
        "corrects_visible": (notice.corrects if notice.corrects_id and permissions.can_see_notice(
            user, notice.corrects) else None),
        "verify_url": verify_url(notice.verification_code) if notice.verification_code else "",
        "publish_form": publish_form or PublishForm(),
        "entries": list(notice.entries.all()),
        "records": list(notice.records.all()),
    }


@login_required
def notice_detail(request, pk: int):
    notice = notice_get(user=request.user, pk=pk)
    return render(request, "notices/notice_detail.html", _detail_context(request, notice))


@login_required
@require_POST
def notice_publish_view(request, pk: int):
    notice = notice_get(user=request.user, pk=pk)
    form = PublishForm(request.POST)
    status = 400
    if form.is_valid():
        with form_refusals(form) as refused:
            notice_publish(actor=request.user, notice=notice)
        if not refused:
            messages.success(request, _("公告已发布。"))
            return redirect(notice.get_absolute_url())
        status = refused.status
    notice = notice_get(user=request.user, pk=pk)
    return render(request, "notices/notice_detail.html",
                  _detail_context(request, notice, publish_form=form), status=status)


@login_required
@csp_update({"style-src": [SELF, UNSAFE_INLINE]})
def notice_preview(request, pk: int):
    """The PDF's own HTML in the browser: a draft as it stands (marked 草稿), a published notice
    as it was frozen."""
    notice = notice_get(user=request.user, pk=pk)
    if notice.is_published:
        html = render_html(notice.content, document_number=notice.document_number,
                           issued_on=notice.issued_on,
                           verification_code=notice.verification_code or "")
    else:
        html = render_html(build_content(notice, today=timezone.localdate(), strict=False),
                           draft=True)
    return HttpResponse(html, content_type="text/html; charset=utf-8")


@login_required
def notice_pdf(request, pk: int):
    """The published PDF as stored (a draft's: a fresh preview marked 草稿), as an attachment
    named by its document number."""
    data, name = notice_pdf_file(notice_get(user=request.user, pk=pk))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


__all__ = ["notice_create_view", "notice_detail", "notice_edit_view",
           "notice_list", "notice_pdf", "notice_preview", "notice_publish_view"]
