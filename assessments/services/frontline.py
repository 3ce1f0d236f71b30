"""Every write of 一线考察: key projects, the cadres attached to them, their 四个一 records, and
the outcomes (红旗标兵, entry to the reserve list). Each in one transaction, audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Cadre
from cadres.services import cadres_tag_add
from core.audit import AuditItem, audit_create, audit_record_many
from core.services import refuse_duplicate

from .. import permissions
from ..models import Cadence, FrontlineAssignment, FrontlineProject, FrontlineRecord, ReserveListEntry
from .evaluation import _NOT_IN_SCOPE, _require_writer, reserve_entries_add


def _attach(*, actor, project: FrontlineProject, cadres: list[tuple[Cadre, dt.date | None]]) -> list:
    """Attach cadres (each from a date, the project's start by default) in one insert; a cadre
    already attached is refused."""
    errors = []
    rows, seen = [], set()
    already = set(FrontlineAssignment.objects.filter(
        project=project, cadre_id__in=[c.pk for c, _d in cadres]).values_list("cadre_id", flat=True))
    for cadre, attached_on in cadres:
        attached_on = attached_on or project.start_date
        if not permissions.can_write_unit(actor, cadre.unit):
            errors.append(_("干部 %(name)s 不在您的管辖范围内。") % {"name": cadre.name})
        elif cadre.pk in already or cadre.pk in seen:
            errors.append(_("干部 %(name)s 已在该工程的考察名单中。") % {"name": cadre.name})
        elif attached_on < project.start_date or (project.end_date and attached_on > project.end_date):
            errors.append(_("干部 %(name)s 的参加日期须在工程起止日期之内。") % {"name": cadre.name})
        seen.add(cadre.pk)
        rows.append(FrontlineAssignment(project=project, cadre=cadre, attached_on=attached_on))
    if errors:
        raise ValidationError({"cadres": errors})
    created = FrontlineAssignment.objects.bulk_create(rows)
    audit_record_many(actor=actor, items=[
        AuditItem(project, "attach", {"cadre": [None, a.cadre.name], "attached_on": [None, a.attached_on.isoformat()]})
        for a in created
    ])
    return created


@transaction.atomic
def frontline_project_create(*, actor, name: str, unit, start_date: dt.date, end_date: dt.date | None = None,
                             description: str = "", cadres: list | None = None) -> FrontlineProject:
    """Register a key project of a unit in the actor's scope, with its cadres: [(cadre,
    attached_on or None)]. Raises ValidationError, PermissionDenied."""
    _require_writer(actor, unit)
    project = FrontlineProject(name=(name or "").strip(), unit=unit, start_date=start_date, end_date=end_date,
                               description=(description or "").strip(), created_by=actor)
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": _("完工日期不能早于开工日期。")})
    project.full_clean(exclude=["created_by"])
    # The same project with the same cadres again (a double click, a retried POST): 409, never
    # a second one.
    cadre_ids = sorted(c.pk for c, _day in cadres or [])
    refuse_duplicate(project, subject=unit, fields=("name", "unit", "start_date", "end_date"),
                     same=lambda p: sorted(p.assignments.values_list("cadre_id", flat=True)) == cadre_ids)
    project.save()
    audit_create(obj=project, actor=actor, fields=FrontlineProject.AUDITED)
    if cadres:
        _attach(actor=actor, project=project, cadres=[(c, d) for c, d in cadres])
    return project


@transaction.atomic
def frontline_cadres_attach(*, actor, project: FrontlineProject, cadres: list) -> list[FrontlineAssignment]:
    """Attach more cadres to a project: [(cadre, attached_on or None)]. Raises ValidationError,
    PermissionDenied."""
    _require_writer(actor, project.unit, field="project")
    project = FrontlineProject.objects.select_for_update().get(pk=project.pk)
    if not cadres:
        raise ValidationError({"cadres": _("请至少选择一名干部。")})
    return _attach(actor=actor, project=project, cadres=cadres)


@transaction.atomic
def frontline_record_create(*, actor, project: FrontlineProject, cadre: Cadre, cadence: str, date: dt.date,
                            content: str) -> FrontlineRecord:
    """Record one 四个一 entry of a cadre attached to the project, dated within the project and
    on or after the day the cadre joined, never in the future. Raises ValidationError,
    PermissionDenied."""
    _require_writer(actor, project.unit, field="project")
    errors = {}
    assignment = FrontlineAssignment.objects.filter(project=project, cadre=cadre).first()
    if assignment is None:
        errors["cadre"] = _("该干部不在该工程的考察名单中。")
    if cadence not in Cadence.values:
        errors["cadence"] = _("类别无效。")
    if date is None:
        errors["date"] = _("请填写日期。")
    elif date > timezone.localdate():
        errors["date"] = _("日期不能晚于今天。")
    elif date < project.start_date or (project.end_date and date > project.end_date):
        errors["date"] = _("日期须在工程起止日期之内。")
    elif assignment is not None and date < assignment.attached_on:
        errors["date"] = _("日期不能早于该干部参加考察之日（%(day)s）。") % {"day": assignment.attached_on.isoformat()}
    if not (content or "").strip():
        errors["content"] = _("请填写内容。")
    if errors:
        raise ValidationError(errors)
    record = FrontlineRecord(project=project, cadre=cadre, cadence=cadence, date=date,
                             content=content.strip(), created_by=actor)
    record.full_clean(exclude=["created_by"], validate_constraints=False)
    if FrontlineRecord.objects.filter(project=project, cadre=cadre, cadence=cadence, date=date).exists():
        raise ValidationError({"date": _("该干部当天已有一条%(cadence)s。") % {"cadence": Cadence(cadence).label}})
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:
        raise ValidationError({"date": _("该干部当天已有一条同类记录。")}) from exc
    audit_create(obj=record, actor=actor, fields=FrontlineRecord.AUDITED)
    return record


@transaction.atomic
def frontline_outcome(*, actor, project: FrontlineProject, cadres: list[Cadre], red_flag: bool = False,
                      reserve: bool = False, listed_on: dt.date | None = None) -> dict:
    """The outcome of a frontline inspection for some of a project's cadres: the 红旗标兵 tag
    and/or entry to the reserve list (source: this project). Idempotent: a cadre already tagged
    or listed from this project is left alone. Returns {"tagged": [...], "listed": [...]}.
    Raises ValidationError, PermissionDenied."""
    _require_writer(actor, project.unit, field="project")
    # One outcome at a time per project: two at once would race to the same reserve entries.
    project = FrontlineProject.objects.select_for_update().get(pk=project.pk)
    if not (red_flag or reserve):
        raise ValidationError({"__all__": [_("请选择评为红旗标兵或列入干部推荐参考名单。")]})
    ids = {c.pk for c in cadres}
    if not ids:
        raise ValidationError({"cadres": _("请至少选择一名干部。")})
    attached = set(FrontlineAssignment.objects.filter(project=project, cadre_id__in=ids)
                   .values_list("cadre_id", flat=True))
    if attached != ids:
        raise ValidationError({"cadres": _("只能对该工程考察名单中的干部作出考察结果。")})
    for cadre in cadres:
        if not permissions.can_write_unit(actor, cadre.unit):
            raise ValidationError({"cadres": _NOT_IN_SCOPE})
    tagged = cadres_tag_add(actor=actor, cadres=cadres, tag=Cadre.Tag.RED_FLAG) if red_flag else []
    listed = reserve_entries_add(actor=actor, entries=[
        ReserveListEntry(cadre=c, source=ReserveListEntry.Source.FRONTLINE, project=project,
                         listed_on=listed_on or timezone.localdate(), note=project.name)
        for c in cadres
    ]) if reserve else []
    return {"tagged": tagged, "listed": listed}
