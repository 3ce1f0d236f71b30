"""Drafts: created and edited by staff in scope of the issuing unit, from sources they may see.
A published notice is never edited (409); a correction is a new draft that names it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cadres.permissions import can_see_cadre
from core.audit import audit_create, audit_record, diff, snapshot
from core.errors import Conflict
from core.services import refuse_duplicate
from discipline.permissions import can_see_clarification
from fault_tolerance.permissions import can_see_case
from incentives.permissions import record_visible_q

from .. import permissions
from ..models import Notice, NoticeCadre

DEFAULT_TITLES = {
    Notice.Kind.PRE_APPOINTMENT: "任前公示",
    Notice.Kind.TOLERANCE_DECISION: "关于容错免责认定结果的通知",
    Notice.Kind.CLARIFICATION: "关于为干部澄清正名的通报",
    Notice.Kind.COMMENDATION: "关于给予表扬的通报",
}
MAX_ENTRIES = 200


def _check_sources(actor, *, kind: str, fields: dict, entries, records) -> dict:
    """The sources a draft names, each one the actor may see and of the right kind."""
    errors: dict[str, str] = {}
    case, clarification = fields.get("case"), fields.get("clarification")
    if case is not None and (kind != Notice.Kind.TOLERANCE_DECISION or not can_see_case(actor, case)):
        errors["case"] = _("该容错事项不存在或不能用于此类公告。")
    if clarification is not None and (kind != Notice.Kind.CLARIFICATION
                                      or not can_see_clarification(actor, clarification)):
        errors["clarification"] = _("该澄清正名事项不存在或不能用于此类公告。")
    if entries is not None:
        if entries and kind != Notice.Kind.PRE_APPOINTMENT:
            errors["entries"] = _("只有任前公示列出公示对象。")
        elif len(entries) > MAX_ENTRIES:
            errors["entries"] = _("一份公示最多列%(n)s人。") % {"n": MAX_ENTRIES}
        else:
            seen = set()
            for entry in entries:
                cadre = entry["cadre"]
                if not can_see_cadre(actor, cadre):
                    errors["entries"] = _("所选干部不存在或不在您的管理范围内。")
                elif cadre.pk in seen:
                    errors["entries"] = _("%(name)s重复列入。") % {"name": cadre.name}
                elif not (entry.get("proposed_post") or "").strip():
                    errors["entries"] = _("请填写%(name)s的拟任职务。") % {"name": cadre.name}
                seen.add(cadre.pk)
    if records is not None:
        from incentives.models import IncentiveRecord

        if records and kind != Notice.Kind.COMMENDATION:
            errors["records"] = _("只有通报表扬列入奖励记录。")
        ids = {r.pk for r in records}
        visible = set(IncentiveRecord.objects.filter(record_visible_q(actor), pk__in=ids)
                      .values_list("pk", flat=True))
        if ids - visible:
            errors["records"] = _("所选奖励记录不存在或不在您的管理范围内。")
        elif any(r.measure.direction != r.measure.Direction.POSITIVE for r in records):
            errors["records"] = _("通报表扬只能列入正向激励记录。")
    return errors


def _set_entries(notice: Notice, entries) -> None:
    NoticeCadre.objects.filter(notice=notice).delete()
    NoticeCadre.objects.bulk_create([
        NoticeCadre(notice=notice, cadre=e["cadre"], position=i,
                    proposed_post=e["proposed_post"].strip(), note=(e.get("note") or "").strip(),
                    exceptional_reason=(e.get("exceptional_reason") or "").strip())
        for i, e in enumerate(entries)])


# A draft with all of these, its items and its records the same as one of the drafter's own
# drafts is that one again (a double click, a retried POST): 409, never a second draft.
DUPLICATE_FIELDS = ("kind", "issuing_unit", "issuer", "title", "preamble", "closing", "cc", "case",
                    "clarification", "period_start", "period_days", "corrects", "created_by")


def _refuse_same_draft(notice: Notice, *, entries, records) -> None:
    items = [(e["cadre"].pk, e["proposed_post"].strip(), (e.get("note") or "").strip(),
              (e.get("exceptional_reason") or "").strip()) for e in entries or []]
    record_ids = sorted(r.pk for r in records or [])

    def same(draft: Notice) -> bool:
        return (list(draft.entries.order_by("position").values_list(
                    "cadre_id", "proposed_post", "note", "exceptional_reason")) == items
                and sorted(draft.records.values_list("pk", flat=True)) == record_ids)

    refuse_duplicate(notice, subject=notice.issuing_unit, fields=DUPLICATE_FIELDS,
                     among=Notice.objects.filter(state=Notice.State.DRAFT), same=same)


@transaction.atomic
def notice_create(*, actor, kind: str, issuing_unit, entries=None, records=None,
                  **fields) -> Notice:
    """A new draft. entries: [{"cadre", "proposed_post", "note", "exceptional_reason"}] (任前公示);
    records: incentive records (通报表扬). Raises ValidationError, PermissionDenied."""
    if not permissions.can_write_unit(actor, issuing_unit):
        raise PermissionDenied(_("您无权以该单位名义起草公告。"))
    if kind not in Notice.Kind.values:
        raise ValidationError({"kind": _("请选择公告类型。")})
    unknown = set(fields) - set(Notice.EDITABLE)
    if unknown:
        raise ValidationError({name: _("不能设置该字段。") for name in unknown})
    errors = _check_sources(actor, kind=kind, fields=fields, entries=entries, records=records)
    corrects = fields.get("corrects")
    if corrects is not None and (not corrects.is_published or corrects.kind != kind
                                 or not permissions.can_see_notice(actor, corrects)):
        errors["corrects"] = _("只能更正本类已发布的公告。")
    if errors:
        raise ValidationError(errors)
    notice = Notice(kind=kind, issuing_unit=issuing_unit, created_by=actor, **fields)
    if not notice.title:
        notice.title = DEFAULT_TITLES[kind]
    notice.full_clean(exclude=["created_by"])
    _refuse_same_draft(notice, entries=entries, records=records)
    notice.save()
    if entries:
        _set_entries(notice, entries)
    if records:
        notice.records.set(records)
    audit_create(obj=notice, actor=actor, fields=Notice.AUDITED)
    return notice


@transaction.atomic
def notice_update(*, actor, notice: Notice, entries=None, records=None, **fields) -> Notice:
    """Edit a draft (the fields of Notice.EDITABLE, the cadre entries, the records). A
    published notice is 409: it never changes."""
    locked = Notice.objects.select_for_update(of=("self",)).select_related("issuing_unit").get(
        pk=notice.pk)
    if not permissions.can_edit_notice(actor, locked):
        raise PermissionDenied(_("您无权修改该公告。"))
    if locked.state != Notice.State.DRAFT:
        raise Conflict(_("已发布的公告不能修改；如需更正，请另起草一份更正公告。"),
                       state=locked.state, action=_("修改"))
    unknown = set(fields) - set(Notice.EDITABLE)
    if unknown:
        raise ValidationError({name: _("不能修改该字段。") for name in unknown})
    if "issuing_unit" in fields and not permissions.can_write_unit(actor, fields["issuing_unit"]):
        raise ValidationError({"issuing_unit": _("所选单位不在您的管理范围内。")})
    errors = _check_sources(actor, kind=locked.kind, fields=fields, entries=entries,
                            records=records)
    corrects = fields.get("corrects")
    if corrects is not None and (not corrects.is_published or corrects.kind != locked.kind
                                 or corrects.pk == locked.pk
                                 or not permissions.can_see_notice(actor, corrects)):
        errors["corrects"] = _("只能更正本类已发布的公告。")
    if errors:
        raise ValidationError(errors)
    before = snapshot(locked, Notice.AUDITED)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean(exclude=["created_by"])
    locked.save()
    changes = diff(before, snapshot(locked, Notice.AUDITED))
    if entries is not None:
        old = list(locked.entries.values_list("cadre_id", "proposed_post", "note",
                                              "exceptional_reason"))
        _set_entries(locked, entries)
        new = list(locked.entries.values_list("cadre_id", "proposed_post", "note",
                                              "exceptional_reason"))
        if old != new:
            changes["entries"] = [[list(r) for r in old], [list(r) for r in new]]
    if records is not None:
        old_ids = sorted(locked.records.values_list("pk", flat=True))
        locked.records.set(records)
        new_ids = sorted(r.pk for r in records)
        if old_ids != new_ids:
            changes["records"] = [old_ids, new_ids]
    audit_record(obj=locked, actor=actor, action="update", changes=changes)
    return locked
