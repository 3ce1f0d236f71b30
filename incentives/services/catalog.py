"""Writes of the measure catalog (激励措施目录): administrators only, audited. A measure in use
is never deleted, only deactivated (is_active=False)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_create, audit_record, diff, snapshot
from core.services import apply_fields

from .. import permissions
from ..models import Measure

MEASURE_FIELDS = ("code", "name", "direction", "kind", "points", "description", "is_active")


def _require_admin(actor) -> None:
    if not permissions.can_edit_catalog(actor):
        raise PermissionDenied(_("只有管理员可以维护激励措施目录。"))


def _check(measure: Measure, *, exclude_pk=None) -> None:
    measure.code = (measure.code or "").strip()
    measure.name = (measure.name or "").strip()
    clash = Measure.objects.filter(code=measure.code)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if measure.code and clash.exists():
        raise ValidationError({"code": _("代码“%(code)s”已被使用。") % {"code": measure.code}})
    measure.full_clean(validate_unique=False)


@transaction.atomic
def measure_create(*, actor, **fields) -> Measure:
    _require_admin(actor)
    measure = Measure()
    apply_fields(measure, fields, MEASURE_FIELDS)
    _check(measure)
    measure.save()
    audit_create(obj=measure, actor=actor, fields=Measure.AUDITED)
    return measure


@transaction.atomic
def measure_update(*, actor, measure: Measure, **fields) -> Measure:
    """Change a measure. The code of a measure in use stays (rules and ledgers name it)."""
    _require_admin(actor)
    locked = Measure.objects.select_for_update().get(pk=measure.pk)
    before = snapshot(locked, Measure.AUDITED)
    apply_fields(locked, fields, MEASURE_FIELDS)
    if locked.code != before["code"] and locked.records.exists():
        raise ValidationError({"code": _("该措施已有奖惩记录，代码不能修改。")})
    _check(locked, exclude_pk=locked.pk)
    locked.save()
    changes = diff(before, snapshot(locked, Measure.AUDITED))
    if changes:
        audit_record(obj=locked, actor=actor, action="update", changes=changes)
    return locked


def measure_in_use(measure: Measure) -> bool:
    return (measure.records.exists() or measure.rules.exists()
            or measure.timely_rewards.exists())
