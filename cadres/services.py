"""Every write to units, cadres and appointments."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditItem, audit_create, audit_record, audit_record_many, diff, snapshot
from core.models import Role
from core.services import apply_fields, require_role, require_unit_in_scope, validated_save

from . import idnumber, selectors
from .models import Appointment, Cadre, Unit
from .signals import appointment_created, unit_moved

UNIT_FIELDS = ("name", "code", "parent", "kind", "category")
CADRE_FIELDS = tuple(f for f in Cadre.AUDITED)
APPOINTMENT_FIELDS = tuple(f for f in Appointment.AUDITED)

_UNIT_CODE_TAKEN = _("该单位代码已被使用。")


class IdNumberTaken(ValidationError):
    """The ID number belongs to another cadre. `cadre` is that record when the actor may see it
    (the page links to it), else None: then the message says nothing about who or where."""

    def __init__(self, *, cadre: Cadre | None):
        self.cadre = cadre
        if cadre is None:
            message = _("该身份证号已在其他单位登记，请联系上级组织部门办理调入。")
        else:
            message = _("该身份证号已登记在%(unit)s的干部%(name)s名下。") % {
                "unit": cadre.unit.name,
                "name": cadre.name,
            }
        super().__init__({"id_number": [ValidationError(message, code="id_number_taken")]})


# Units ---------------------------------------------------------------------


def _set_path(unit: Unit) -> None:
    parent_path = unit.parent.path if unit.parent_id else "/"
    unit.path = f"{parent_path}{unit.pk}/"
    unit.depth = 0 if not unit.parent_id else unit.parent.depth + 1


@transaction.atomic
def unit_create(*, actor, **fields) -> Unit:
    """Create a unit under its parent. Administrators only; raises ValidationError."""
    require_role(actor, Role.ADMIN)
    unit = Unit()
    apply_fields(unit, fields, UNIT_FIELDS)
    unit.code = (unit.code or "").strip()
    validated_save(unit, unique_messages={"code": _UNIT_CODE_TAKEN})
    _set_path(unit)
    unit.save(update_fields=["path", "depth"])
    audit_create(obj=unit, actor=actor, fields=Unit.AUDITED)
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, actor, **fields) -> Unit:
    """Change a unit; moving it moves its whole subtree. Raises ValidationError on a cycle."""
    require_role(actor, Role.ADMIN)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(unit, Unit.AUDITED)
    old_path = unit.path
    changed = apply_fields(unit, fields, UNIT_FIELDS)
    if not changed:
        return unit
    if "parent" in changed and unit.parent_id:
        parent = Unit.objects.get(pk=unit.parent_id)
        if parent.path.startswith(old_path):
            raise ValidationError({"parent": _("上级单位不能是本单位或其下级单位。")})
    validated_save(unit, unique_messages={"code": _UNIT_CODE_TAKEN})
    if "parent" in changed:
        _set_path(unit)
        unit.save(update_fields=["path", "depth"])
        depth_shift = unit.depth - (old_path.count("/") - 2)
        Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
            path=Concat(Value(unit.path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + depth_shift,
        )
        if unit.path != old_path:
            unit_moved.send(sender=Unit, unit=unit, old_path=old_path, new_path=unit.path)
    audit_record(
        obj=unit, actor=actor, action="update", changes=diff(before, snapshot(unit, Unit.AUDITED))
    )
    return unit


# Cadres --------------------------------------------------------------------


def _check_identity(cadre: Cadre) -> None:
    """The ID number's check digit, and its birth date and gender against the record."""
    cadre.id_number = idnumber.normalize(cadre.id_number)
    try:
        birth, gender = idnumber.parse(cadre.id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    errors = {}
    if cadre.birth_date and birth != cadre.birth_date:
        errors["birth_date"] = _("出生日期与身份证号不一致（身份证号为 %(date)s）。") % {
            "date": birth.isoformat()
        }
    if cadre.gender and gender != cadre.gender:
        errors["gender"] = _("性别与身份证号不一致。")
    if errors:
        raise ValidationError(errors)


def _check_tags(cadre: Cadre) -> None:
    tags = cadre.tags or []
    valid = set(Cadre.Tag.values)
    if not isinstance(tags, list) or any(t not in valid for t in tags):
        raise ValidationError(
            {
                "tags": _("标签只能是：%(tags)s。")
                % {"tags": "、".join(str(l) for l in Cadre.Tag.labels)}
            }
        )
    cadre.tags = sorted(set(tags))


def _clean_name(cadre: Cadre) -> None:
    cadre.name = (cadre.name or "").strip()
    if not cadre.name:
        raise ValidationError({"name": _("请填写姓名。")})


def _refuse_taken_id_number(cadre: Cadre, actor) -> None:
    """Raise IdNumberTaken when another cadre holds the number, saying only what the actor may
    know: the record's name and unit inside their scope, nothing outside it."""
    holder = (
        Cadre.objects.filter(id_number=cadre.id_number)
        .exclude(pk=cadre.pk)
        .select_related("unit")
        .first()
    )
    if holder is not None:
        visible = selectors.cadre_list(user=actor).filter(pk=holder.pk).exists()
        raise IdNumberTaken(cadre=holder if visible else None)


def _save_cadre(cadre: Cadre, actor, *, update_fields: list[str] | None = None) -> None:
    """validated_save with the ID number's uniqueness refused in words (IdNumberTaken). Two
    requests registering one number at once both pass the first look; the loser's INSERT then
    fails on the unique index, inside a savepoint, and looks again: a 400, never a 500."""
    _refuse_taken_id_number(cadre, actor)
    try:
        with transaction.atomic():
            validated_save(cadre, update_fields=update_fields)
    except IntegrityError as exc:
        if "id_number" not in str(exc):
            raise
        _refuse_taken_id_number(cadre, actor)
        raise IdNumberTaken(cadre=None) from exc


@transaction.atomic
def cadre_create(*, actor, **fields) -> Cadre:
    """Register a cadre in a unit within the actor's scope. Raises ValidationError, PermissionDenied."""
    require_role(actor, Role.STAFF, Role.ADMIN)
    cadre = Cadre()
    apply_fields(cadre, fields, CADRE_FIELDS)
    require_unit_in_scope(actor, cadre.unit if cadre.unit_id else None)
    _clean_name(cadre)
    _check_identity(cadre)
    _check_tags(cadre)
    _save_cadre(cadre, actor)
    audit_create(obj=cadre, actor=actor, fields=Cadre.AUDITED)
    return cadre


@transaction.atomic
def cadre_update(*, cadre: Cadre, actor, **fields) -> Cadre:
    """Change a cadre's record; a no-op writes nothing. Raises ValidationError, PermissionDenied."""
    require_role(actor, Role.STAFF, Role.ADMIN)
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    before = snapshot(cadre, Cadre.AUDITED)
    if "id_number" in fields:
        fields["id_number"] = idnumber.normalize(fields["id_number"])
    if "tags" in fields:
        fields["tags"] = sorted(set(fields["tags"] or []))
    changed = apply_fields(cadre, fields, CADRE_FIELDS)
    if not changed:
        return cadre
    if "unit" in changed:
        require_unit_in_scope(actor, cadre.unit)
    _clean_name(cadre)
    _check_identity(cadre)
    _check_tags(cadre)
    _save_cadre(cadre, actor, update_fields=[*changed, "updated_at"])
    audit_record(
        obj=cadre,
        actor=actor,
        action="update",
        changes=diff(before, snapshot(cadre, Cadre.AUDITED)),
    )
    return cadre


# Appointments ----------------------------------------------------------------


def _check_appointment(appointment: Appointment) -> None:
    errors = {}
    if (
        appointment.end_date
        and appointment.start_date
        and appointment.end_date <= appointment.start_date
    ):
        errors["end_date"] = _("任职结束日期必须晚于开始日期。")
    if (
        appointment.kind == Appointment.Kind.EXCEPTIONAL_PROMOTION
        and not (appointment.exceptional_reason or "").strip()
    ):
        errors["exceptional_reason"] = _("破格提拔须填写破格理由（如：任职年限破格）。")
    if errors:
        raise ValidationError(errors)


def _overlapping_main_post(appointment: Appointment):
    far_future = dt.date.max
    end = appointment.end_date or far_future
    return (
        Appointment.objects.filter(cadre_id=appointment.cadre_id, is_main=True)
        .exclude(pk=appointment.pk)
        .filter(start_date__lt=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=appointment.start_date))
        .first()
    )


@transaction.atomic
def appointment_create(*, actor, sanction=None, **fields) -> Appointment:
    """Record a post for a cadre. Main posts of one cadre never overlap; a current main
    post becomes the cadre's present unit, title and level. A re-use (重新使用) is linked
    to the sanction it follows (default: the cadre's latest) and refused before that
    sanction's effect period ends. Raises ValidationError."""
    require_role(actor, Role.STAFF, Role.ADMIN)
    appointment = Appointment()
    apply_fields(appointment, fields, APPOINTMENT_FIELDS)
    if not appointment.cadre_id:
        raise ValidationError({"cadre": _("请选择干部。")})
    # Lock the cadre: two appointments for one cadre are checked for overlap one at a time.
    cadre = Cadre.objects.select_for_update().get(pk=appointment.cadre_id)
    require_unit_in_scope(actor, cadre.unit, field="cadre")
    require_unit_in_scope(actor, appointment.unit if appointment.unit_id else None)
    _check_appointment(appointment)
    appointment.full_clean()
    if appointment.is_main:
        clash = _overlapping_main_post(appointment)
        if clash is not None:
            raise ValidationError(
                {
                    "start_date": _("与已有主要职务“%(title)s”（%(start)s 起）时间重叠。")
                    % {"title": clash.title, "start": clash.start_date.isoformat()}
                }
            )
    appointment.save()
    # A re-use is linked to its sanction by the app that keeps sanctions, listening here:
    # cadres sits below it and does not import it.
    appointment_created.send(
        sender=Appointment, appointment=appointment, actor=actor, sanction=sanction
    )
    audit_create(obj=appointment, actor=actor, fields=Appointment.AUDITED)
    today = dt.date.today()
    if (
        appointment.is_main
        and appointment.start_date <= today
        and (appointment.end_date is None or appointment.end_date >= today)
    ):
        cadre_update(
            cadre=cadre,
            actor=actor,
            unit=appointment.unit,
            position_title=appointment.title,
            post_level=appointment.post_level,
        )
    return appointment


@transaction.atomic
def cadre_post_change(*, cadre: Cadre, actor, start_date, kind: str, document_number: str = "",
                      **fields) -> Cadre:
    """Change a cadre's record and record the new post as its appointment (任职记录), so the
    timeline is not left empty: the current main post ends the day before `start_date`, and a
    main appointment for the record's new unit, title and level begins on it. All or nothing.
    Raises ValidationError, PermissionDenied."""
    cadre = cadre_update(cadre=cadre, actor=actor, **fields)
    if not start_date:
        raise ValidationError({"appointment_start": _("请填写任职开始日期。")})
    current = (Appointment.objects.select_for_update()
               .filter(cadre=cadre, is_main=True, end_date__isnull=True).order_by("-start_date").first())
    if current is not None:
        if start_date <= current.start_date:
            raise ValidationError({"appointment_start": _(
                "任职开始日期须晚于现任职务“%(title)s”的开始日期（%(start)s）。") % {
                "title": current.title, "start": current.start_date.isoformat()}})
        before = snapshot(current, Appointment.AUDITED)
        current.end_date = start_date - dt.timedelta(days=1)
        current.save(update_fields=["end_date"])
        audit_record(obj=current, actor=actor, action="update",
                     changes=diff(before, snapshot(current, Appointment.AUDITED)))
    appointment_create(actor=actor, cadre=cadre, unit=cadre.unit, title=cadre.position_title,
                       post_level=cadre.post_level, kind=kind, is_main=True, start_date=start_date,
                       document_number=(document_number or "").strip())
    cadre.refresh_from_db()
    return cadre


# Tags (出彩型, 红旗标兵) -------------------------------------------------------------------


@transaction.atomic
def cadres_tag_add(*, actor, cadres, tag: str) -> list[Cadre]:
    """Give tag (Cadre.Tag) to each of cadres that lacks it: set-based (the rows locked in id
    order, one UPDATE, one audit batch), whatever the count; a cadre already tagged is left
    alone and audited for nothing. Other apps' outcomes (the 出彩型 shortlist, 红旗标兵) come
    through here. Returns the cadres changed. Raises ValidationError, PermissionDenied."""
    require_role(actor, Role.STAFF, Role.ADMIN)
    if tag not in Cadre.Tag.values:
        raise ValidationError({"tags": _("标签只能是：%(tags)s。") % {
            "tags": "、".join(str(label) for label in Cadre.Tag.labels)}})
    ids = sorted({c.pk for c in cadres})
    locked = list(Cadre.objects.select_for_update().filter(pk__in=ids).select_related("unit").order_by("pk"))
    for cadre in locked:
        require_unit_in_scope(actor, cadre.unit, field="cadre")
    changed, items, now = [], [], timezone.now()
    for cadre in locked:
        before = list(cadre.tags or [])
        if tag in before:
            continue
        cadre.tags, cadre.updated_at = sorted({*before, tag}), now
        changed.append(cadre)
        items.append(AuditItem(cadre, "update", {"tags": [before, cadre.tags]}))
    if changed:
        Cadre.objects.bulk_update(changed, ["tags", "updated_at"])
        audit_record_many(actor=actor, items=items)
    return changed
