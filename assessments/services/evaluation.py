"""Every write of 换届后评估 and the 干部推荐参考名单: rounds, evaluations, the confirmed 出彩型
shortlist (which tags the cadres and lists them for recommendation), and reserve-list entries
(also made by services/frontline.py). Each in one transaction, audited, all or nothing."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Cadre
from cadres.services import cadres_tag_add
from core.audit import AuditItem, audit_create, audit_record_many, snapshot
from core.services import require_role

from .. import permissions
from ..models import EVALUATION_DIMENSIONS, EvaluationRound, PostElectionEvaluation, ReserveListEntry

_NOT_IN_SCOPE = _("单位不存在或不在您的管辖范围内。")


def _require_writer(actor, unit, field: str = "unit") -> None:
    require_role(actor, *permissions.WRITE_ROLES)
    if unit is None or not permissions.can_write_unit(actor, unit):
        raise ValidationError({field: _NOT_IN_SCOPE})


@transaction.atomic
def evaluation_round_create(*, actor, unit, name: str, year: int, held_on: dt.date | None = None) -> EvaluationRound:
    """Open a post-election evaluation round for a unit in the actor's scope, held on a day
    (today by default). Raises ValidationError, PermissionDenied."""
    _require_writer(actor, unit)
    evaluation_round = EvaluationRound(unit=unit, name=(name or "").strip(), year=year,
                                       held_on=held_on or timezone.localdate(), created_by=actor)
    evaluation_round.full_clean(exclude=["created_by"])
    try:
        with transaction.atomic():
            evaluation_round.save()
    except IntegrityError as exc:
        raise ValidationError({"name": _("该单位该年度已有同名评估轮次。")}) from exc
    audit_create(obj=evaluation_round, actor=actor, fields=EvaluationRound.AUDITED)
    return evaluation_round


@transaction.atomic
def evaluation_create(*, actor, round: EvaluationRound, unit=None, cadre: Cadre | None = None,  # noqa: A002
                      **scores) -> PostElectionEvaluation:
    """Score one team (unit) or one cadre, never both, in a round: six scores 0–100 (问题 scores
    higher the fewer problems). The subject must lie in the round's unit or below it. Raises
    ValidationError, PermissionDenied."""
    _require_writer(actor, round.unit, field="round")
    unknown = set(scores) - set(EVALUATION_DIMENSIONS)
    if unknown:
        raise ValidationError({name: _("不能填写此字段。") for name in sorted(unknown)})
    errors = {}
    if (unit is None) == (cadre is None):
        errors["__all__"] = [_("请填写班子（unit）或干部（cadre）中的一项，且只填一项。")]
    subject_unit = cadre.unit if cadre is not None else unit
    field = "cadre" if cadre is not None else "unit"
    if subject_unit is not None and not errors:
        if not permissions.can_write_unit(actor, subject_unit):
            errors[field] = [_NOT_IN_SCOPE]
        elif not subject_unit.path.startswith(round.unit.path):
            errors[field] = [_("评估对象须属于本轮评估的单位（%(unit)s）或其下级。") % {"unit": round.unit.name}]
    for name in EVALUATION_DIMENSIONS:
        if scores.get(name) is None:
            errors.setdefault(name, []).append(_("请填写分数（0 到 100）。"))
    if errors:
        raise ValidationError(errors)
    evaluation = PostElectionEvaluation(round=round, unit=unit, cadre=cadre, created_by=actor, **scores)
    evaluation.full_clean(exclude=["created_by"], validate_constraints=False)
    duplicate = PostElectionEvaluation.objects.filter(round=round, **({"cadre": cadre} if cadre else {"unit": unit}))
    if duplicate.exists():
        raise ValidationError({field: _("本轮已有对该%(what)s的评估。") % {"what": _("干部") if cadre else _("班子")}})
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError as exc:  # a race past the check above
        raise ValidationError({field: _("本轮已有对该评估对象的评估。")}) from exc
    audit_create(obj=evaluation, actor=actor, fields=PostElectionEvaluation.AUDITED)
    return evaluation


def reserve_entries_add(*, actor, entries: list[ReserveListEntry]) -> list[ReserveListEntry]:
    """Put cadres on the 干部推荐参考名单, in the caller's transaction: one entry per cadre and
    source object, those already there left alone (set-based: one read, one insert, one audit
    batch). Returns the entries made."""
    if not entries:
        return []
    existing = set(
        ReserveListEntry.objects.filter(
            Q(evaluation_id__in={e.evaluation_id for e in entries if e.evaluation_id})
            | Q(project_id__in={e.project_id for e in entries if e.project_id}),
            cadre_id__in={e.cadre_id for e in entries},
        ).values_list("cadre_id", "evaluation_id", "project_id")
    )
    new, seen = [], set()
    for entry in entries:
        key = (entry.cadre_id, entry.evaluation_id, entry.project_id)
        if key in existing or key in seen:
            continue
        seen.add(key)
        entry.created_by = actor
        new.append(entry)
    created = ReserveListEntry.objects.bulk_create(new)
    audit_record_many(
        actor=actor,
        items=[AuditItem(e, "create", {k: [None, v] for k, v in snapshot(e, ReserveListEntry.AUDITED).items()
                                       if v not in (None, "")}) for e in created],
        record_empty=True,
    )
    return created


@transaction.atomic
def shortlist_confirm(*, actor, evaluation_round: EvaluationRound, evaluations: list,
                      listed_on: dt.date | None = None) -> list[PostElectionEvaluation]:
    """Confirm cadres of a round onto the 出彩型 shortlist: each evaluation records who confirmed
    it and when, its cadre gets the 出彩型 tag and an entry on the reserve list (source: this
    evaluation). Confirming again changes nothing. Set-based: a fixed number of queries however
    many are confirmed. Returns the evaluations newly confirmed. Raises ValidationError,
    PermissionDenied."""
    _require_writer(actor, evaluation_round.unit, field="round")
    ids = sorted({getattr(e, "pk", e) for e in evaluations})
    if not ids:
        raise ValidationError({"evaluations": _("请至少选择一名干部。")})
    locked = list(
        PostElectionEvaluation.objects.select_for_update(of=("self",))
        .filter(pk__in=ids).select_related("round", "cadre", "cadre__unit").order_by("pk")
    )
    bad = [pk for pk in ids if pk not in {e.pk for e in locked}]
    bad += [e.pk for e in locked if e.round_id != evaluation_round.pk or e.cadre_id is None
            or not permissions.can_write_unit(actor, e.cadre.unit)]
    if bad:
        raise ValidationError({"evaluations": _("以下评估不属于本轮的干部评估或不在您的管辖范围内：%(ids)s。")
                               % {"ids": "、".join(str(pk) for pk in sorted(bad))}})
    now = timezone.now()
    fresh = [e for e in locked if e.shortlisted_at is None]
    for evaluation in fresh:
        evaluation.shortlisted_at, evaluation.shortlisted_by = now, actor
    if fresh:
        PostElectionEvaluation.objects.bulk_update(fresh, ["shortlisted_at", "shortlisted_by"])
        audit_record_many(actor=actor, items=[
            AuditItem(e, "shortlist", {"shortlisted_at": [None, now.isoformat()],
                                       "shortlisted_by": [None, actor.get_username()]})
            for e in fresh
        ])
    # The tag and the entry follow every confirmed evaluation (not only the fresh ones), so a
    # tag removed by hand or an entry missing is restored; neither is made twice.
    cadres_tag_add(actor=actor, cadres=[e.cadre for e in locked], tag=Cadre.Tag.STANDOUT)
    day = listed_on or timezone.localdate()
    reserve_entries_add(actor=actor, entries=[
        ReserveListEntry(cadre=e.cadre, source=ReserveListEntry.Source.EVALUATION, evaluation=e,
                         listed_on=day, note=str(evaluation_round))
        for e in locked
    ])
    return fresh


def require_can_confirm(actor, evaluation_round) -> None:
    """PermissionDenied unless actor may confirm a round's shortlist (what pages ask first)."""
    if not permissions.can_write_unit(actor, evaluation_round.unit):
        raise PermissionDenied(_("您无权确认该轮评估的出彩型名单。"))
