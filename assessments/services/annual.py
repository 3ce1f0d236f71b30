"""Every write of quarterly and annual grades. One entry point per kind, for one row or ten
thousand: validated in a fixed number of queries, written with bulk_create/bulk_update, all or
nothing. The API, the grid, the Excel import and the admin all call these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.audit import AuditItem, audit_record_many, audit_run, snapshot

from .. import permissions
from ..models import AnnualAssessment, AnnualReview, QuarterlyAssessment
from ..selectors.annual import AnnualRow, QuarterlyRow, rule_errors
from ..signals import grades_saved

RULES_VERSION = "assessments.annual/1"


class RowErrors(ValidationError):
    """Some rows may not be saved: `rows` is {row index (0-based, in the order given): {field:
    [messages]}}. Nothing was saved. The API answers it as a list of per-item errors, the import
    as {"rows": [{"row": N, "errors": [...]}]}."""

    def __init__(self, rows: dict[int, dict[str, list[str]]]):
        self.rows = dict(sorted(rows.items()))
        super().__init__(
            {"rows": [f"{index + 1}: {'; '.join(m for ms in errs.values() for m in ms)}"
                      for index, errs in self.rows.items()]}
        )


@dataclass
class SaveResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    objects: list = field(default_factory=list)


def _add(errors: dict, index: int, name: str, message: str) -> None:
    errors.setdefault(index, {}).setdefault(name, []).append(message)


@dataclass(frozen=True)
class _Kind:
    """What tells annual and quarterly grades apart on the one save path below: the model, a
    row's key (cadre id, year[, quarter]), the fields a row sets, and the words."""

    model: type
    key_fields: tuple[str, ...]
    value_fields: tuple[str, ...]
    duplicate: str  # lazy: %(n)s
    taken: str  # lazy: %(year)s, %(quarter)s

    def key(self, row) -> tuple:
        return (row.cadre.pk, *(getattr(row, name) for name in self.key_fields[1:]))

    def obj_key(self, obj) -> tuple:
        return (obj.cadre_id, *(getattr(obj, name) for name in self.key_fields[1:]))


ANNUAL = _Kind(
    model=AnnualAssessment, key_fields=("cadre", "year"), value_fields=("grade", "comment"),
    duplicate=_lazy("与第 %(n)s 条重复：同一干部同一年度只能有一个等次。"),
    taken=_lazy("该干部 %(year)s 年度已有年度考核等次。"),
)
QUARTERLY = _Kind(
    model=QuarterlyAssessment, key_fields=("cadre", "year", "quarter"), value_fields=("grade",),
    duplicate=_lazy("与第 %(n)s 条重复：同一干部同一季度只能有一个等次。"),
    taken=_lazy("该干部 %(year)s 年第 %(quarter)s 季度已有平时考核等次。"),
)


def _row_errors(kind: _Kind, actor, rows, errors: dict) -> None:
    """What a row alone may be refused for: scope, grade, year (and quarter), and a second row
    for the same key in the batch."""
    may_write = permissions.unit_writer(actor)
    seen: dict[tuple, int] = {}
    for index, row in enumerate(rows):
        if not may_write(row.cadre.unit):
            _add(errors, index, "cadre", _("干部不存在或不在您的管辖范围内。"))
        if row.grade not in kind.model.Grade.values:
            _add(errors, index, "grade", _("等次无效。"))
        if not isinstance(row.year, int) or not 2000 <= row.year <= 2100:
            _add(errors, index, "year", _("年度应在 2000 到 2100 之间。"))
        if "quarter" in kind.key_fields and (
                not isinstance(row.quarter, int) or not 1 <= row.quarter <= 4):
            _add(errors, index, "quarter", _("季度应为 1 到 4。"))
        key = kind.key(row)
        if key in seen:
            _add(errors, index, "cadre", kind.duplicate % {"n": seen[key] + 1})
        seen.setdefault(key, index)


def _save(kind: _Kind, *, actor, rows, create_only, dry_run, audit_on, audit_inputs,
          rules=None) -> SaveResult:
    """The one save path of grades: every check on the whole batch first (a fixed number of
    queries), then bulk_create/bulk_update and the audit (one entry per changed grade in one
    INSERT, or one run-level entry on audit_on). All or nothing; raises RowErrors."""
    if not permissions.can_write(actor):
        raise PermissionDenied(_("您的角色无权录入考核结果。"))
    errors: dict[int, dict[str, list[str]]] = {}
    _row_errors(kind, actor, rows, errors)
    existing = {
        kind.obj_key(obj): obj
        for obj in kind.model.objects.select_for_update().filter(
            cadre_id__in={r.cadre.pk for r in rows}, year__in={r.year for r in rows}
        )
    }
    if create_only:
        for index, row in enumerate(rows):
            if kind.key(row) in existing:
                _add(errors, index, kind.key_fields[-1],
                     kind.taken % {"year": row.year, "quarter": getattr(row, "quarter", "")})
    for index, messages in (rules(rows) if rules else {}).items():
        for name, texts in messages.items():
            for text in texts:
                _add(errors, index, name, text)
    if errors:
        raise RowErrors(errors)

    result = SaveResult()
    now = timezone.now()
    to_create, to_update = [], []
    for row in rows:
        values = {name: getattr(row, name) for name in kind.value_fields}
        current = existing.get(kind.key(row))
        if current is None:
            current = kind.model(
                cadre=row.cadre, unit=row.cadre.unit, created_by=actor, **values,
                **{name: getattr(row, name) for name in kind.key_fields[1:]})
            to_create.append(current)
        elif all(getattr(current, name) == value for name, value in values.items()):
            result.unchanged += 1
        else:
            current.cadre = row.cadre  # already read: the audit entry's str() names it
            before = snapshot(current, kind.model.AUDITED)
            for name, value in values.items():
                setattr(current, name, value)
            current.updated_at = now
            to_update.append((current, before))
        result.objects.append(current)
    result.created, result.updated = len(to_create), len(to_update)
    if dry_run:
        return result
    kind.model.objects.bulk_create(to_create, batch_size=2000)
    kind.model.objects.bulk_update(
        [obj for obj, _before in to_update], [*kind.value_fields, "updated_at"], batch_size=2000
    )
    if kind.model is AnnualAssessment and (to_create or to_update):
        changed = [*to_create, *(obj for obj, _before in to_update)]
        cadre_ids, years = {o.cadre_id for o in changed}, {o.year for o in changed}
        transaction.on_commit(lambda: grades_saved.send(
            sender=AnnualAssessment, cadre_ids=cadre_ids, years=years))
    if audit_on is not None:
        audit_run(
            obj=audit_on, actor=actor, action="import", inputs=audit_inputs or {},
            rules_version=RULES_VERSION,
            counts={"created": result.created, "updated": result.updated,
                    "unchanged": result.unchanged},
            rows=sorted((*kind.obj_key(o), *(getattr(o, name) for name in kind.value_fields))
                        for o in result.objects),
        )
    else:
        items = []
        for obj in to_create:
            after = snapshot(obj, kind.model.AUDITED)
            items.append(AuditItem(obj, "create", {k: [None, v] for k, v in after.items() if v not in (None, "")}))
        for obj, before in to_update:
            after = snapshot(obj, kind.model.AUDITED)
            items.append(AuditItem(obj, "update", {k: [before[k], after[k]] for k in after if before[k] != after[k]}))
        audit_record_many(actor=actor, items=items)
    return result


@transaction.atomic
def annual_save(
    *,
    actor,
    rows: list[AnnualRow],
    create_only: bool = False,
    dry_run: bool = False,
    audit_on=None,
    audit_inputs: dict | None = None,
) -> SaveResult:
    """Save annual grades, all or nothing, the gates and the 优秀 cap checked on the whole batch
    (selectors.annual.rule_errors). A (cadre, year) already graded is updated, unless
    create_only (the API's POST), when it is refused. audit_on: one run-level entry on that
    object (an import) instead of one entry per grade. Raises PermissionDenied, RowErrors."""
    return _save(ANNUAL, actor=actor, rows=rows, create_only=create_only, dry_run=dry_run,
                 audit_on=audit_on, audit_inputs=audit_inputs, rules=rule_errors)


@transaction.atomic
def quarterly_save(
    *,
    actor,
    rows: list[QuarterlyRow],
    create_only: bool = False,
    dry_run: bool = False,
    audit_on=None,
    audit_inputs: dict | None = None,
) -> SaveResult:
    """Save quarterly grades (平时考核), all or nothing, like annual_save: a (cadre, year,
    quarter) already graded is updated, unless create_only (the API's POST). Raises
    PermissionDenied, RowErrors. A fixed number of queries however many rows."""
    return _save(QUARTERLY, actor=actor, rows=rows, create_only=create_only, dry_run=dry_run,
                 audit_on=audit_on, audit_inputs=audit_inputs)


# Review (复核) and appeal (申诉) of a 不称职 grade ----------------------------------------------


def _may_act_for(actor, assessment) -> bool:
    """Staff and administrators whose scope covers the cadre, or the cadre themselves."""
    return permissions.can_write_unit(actor, assessment.cadre.unit) or (
        getattr(actor, "pk", None) is not None and assessment.cadre.account_id == actor.pk
    )


def _require_state(review, state, action) -> None:
    from core.errors import Conflict

    if review.state != state:
        raise Conflict(
            _("当前状态（%(state)s）不能%(action)s。") % {"state": review.get_state_display(),
                                                      "action": AnnualReview.Action(action).label},
            state=review.state, action=action)


def _not_future(errors: dict, name: str, day) -> None:
    if day and day > timezone.localdate():
        errors[name] = _("日期不能晚于今天。")


def _regrade(actor, review, new_grade, name: str) -> None:
    """A review or appeal that changes the grade writes it through annual_save (the gates and
    the cap hold there too)."""
    if not new_grade or new_grade == AnnualAssessment.Grade.INCOMPETENT:
        raise ValidationError({"new_grade": _("变更等次的，须选择不称职以外的新等次。")})
    assessment = review.assessment
    try:
        annual_save(actor=actor, rows=[AnnualRow(assessment.cadre, assessment.year, new_grade,
                                                 assessment.comment)])
    except RowErrors as exc:
        raise ValidationError({"new_grade": [m for ms in exc.rows[0].values() for m in ms]}) from exc
    assessment.refresh_from_db()


@transaction.atomic
def review_request(*, actor, assessment, learned_on, requested_on=None, reason: str = "") -> AnnualReview:
    """申请复核 of a 不称职 grade, within 30 days of the cadre learning it (公务员法 §95).
    Raises PermissionDenied, ValidationError, Conflict (a review already exists)."""
    from core.audit import audit_create
    from core.errors import Conflict

    assessment = AnnualAssessment.objects.select_for_update().select_related("cadre__unit").get(pk=assessment.pk)
    if not _may_act_for(actor, assessment):
        raise PermissionDenied(_("您无权为该干部申请复核。"))
    if assessment.grade != AnnualAssessment.Grade.INCOMPETENT:
        raise ValidationError({"assessment": _("只有“不称职”等次可以申请复核（《公务员法》第九十五条）。")})
    existing = AnnualReview.objects.filter(assessment=assessment).first()
    if existing is not None:
        raise Conflict(_("该年度考核结果已申请复核，不能重复申请。"), state=existing.state,
                       action=AnnualReview.Action.REQUEST)
    requested_on = requested_on or timezone.localdate()
    errors: dict = {}
    _not_future(errors, "learned_on", learned_on)
    _not_future(errors, "requested_on", requested_on)
    if learned_on and learned_on.year < assessment.year:
        errors["learned_on"] = _("知道考核结果的日期不能早于考核年度。")
    if "requested_on" not in errors and requested_on < learned_on:
        errors["requested_on"] = _("申请复核日期不能早于知道考核结果的日期（%(d)s）。") % {"d": learned_on.isoformat()}
    elif "requested_on" not in errors and (requested_on - learned_on).days > AnnualReview.REQUEST_DAYS:
        errors["requested_on"] = _(
            "已超过申请复核期限：应自知道考核结果之日（%(d)s）起 30 日内、即 %(due)s 前申请（《公务员法》第九十五条）。"
        ) % {"d": learned_on.isoformat(),
             "due": (learned_on + dt.timedelta(days=AnnualReview.REQUEST_DAYS)).isoformat()}
    if errors:
        raise ValidationError(errors)
    review = AnnualReview.objects.create(assessment=assessment, learned_on=learned_on, requested_on=requested_on,
                                         reason=(reason or "").strip(), created_by=actor)
    audit_create(obj=review, actor=actor, fields=AnnualReview.AUDITED, action=AnnualReview.Action.REQUEST)
    return review


def _transition(actor, review, action, state_from, state_to, fields: dict) -> AnnualReview:
    from core.audit import audit_record

    before = snapshot(review, AnnualReview.AUDITED)
    for name, value in fields.items():
        setattr(review, name, value)
    review.state = state_to
    review.save()
    after = snapshot(review, AnnualReview.AUDITED)
    audit_record(obj=review, actor=actor, action=action,
                 changes={k: [before[k], after[k]] for k in after if before[k] != after[k]}, record_empty=True)
    return review


def _locked(review) -> AnnualReview:
    return AnnualReview.objects.select_for_update().select_related("assessment__cadre__unit").get(pk=review.pk)


@transaction.atomic
def review_decide(*, actor, review, decided_on=None, result: str, result_note: str = "",
                  new_grade: str = "") -> AnnualReview:
    """复核决定 by the body that graded (staff in scope): uphold, or change the grade (through
    annual_save). Raises PermissionDenied, ValidationError, Conflict (not awaiting a review)."""
    review = _locked(review)
    if not permissions.can_write_unit(actor, review.assessment.cadre.unit):
        raise PermissionDenied(_("您无权作出复核决定。"))
    _require_state(review, AnnualReview.State.REQUESTED, AnnualReview.Action.DECIDE)
    decided_on = decided_on or timezone.localdate()
    errors: dict = {}
    _not_future(errors, "decided_on", decided_on)
    if "decided_on" not in errors and decided_on < review.requested_on:
        errors["decided_on"] = _("复核决定日期不能早于申请复核日期（%(d)s）。") % {"d": review.requested_on.isoformat()}
    if result not in AnnualReview.Result.values:
        errors["result"] = _("复核结果无效。")
    if errors:
        raise ValidationError(errors)
    if result == AnnualReview.Result.CHANGED:
        _regrade(actor, review, new_grade, "new_grade")
    return _transition(actor, review, AnnualReview.Action.DECIDE, AnnualReview.State.REQUESTED,
                       AnnualReview.State.REVIEWED,
                       {"decided_on": decided_on, "result": result, "result_note": (result_note or "").strip()})


@transaction.atomic
def review_appeal(*, actor, review, appealed_on=None, appeal_reason: str = "") -> AnnualReview:
    """申诉 against the review's result, within 15 days of receiving it (公务员法 §95).
    Raises PermissionDenied, ValidationError, Conflict."""
    review = _locked(review)
    if not _may_act_for(actor, review.assessment):
        raise PermissionDenied(_("您无权为该干部提出申诉。"))
    _require_state(review, AnnualReview.State.REVIEWED, AnnualReview.Action.APPEAL)
    appealed_on = appealed_on or timezone.localdate()
    errors: dict = {}
    _not_future(errors, "appealed_on", appealed_on)
    if "appealed_on" not in errors and appealed_on < review.decided_on:
        errors["appealed_on"] = _("申诉日期不能早于复核决定日期（%(d)s）。") % {"d": review.decided_on.isoformat()}
    elif "appealed_on" not in errors and (appealed_on - review.decided_on).days > AnnualReview.APPEAL_DAYS:
        errors["appealed_on"] = _(
            "已超过申诉期限：应自接到复核决定之日（%(d)s）起 15 日内、即 %(due)s 前提出（《公务员法》第九十五条）。"
        ) % {"d": review.decided_on.isoformat(),
             "due": (review.decided_on + dt.timedelta(days=AnnualReview.APPEAL_DAYS)).isoformat()}
    if errors:
        raise ValidationError(errors)
    return _transition(actor, review, AnnualReview.Action.APPEAL, AnnualReview.State.REVIEWED,
                       AnnualReview.State.APPEALED,
                       {"appealed_on": appealed_on, "appeal_reason": (appeal_reason or "").strip()})


@transaction.atomic
def review_decide_appeal(*, actor, review, appeal_decided_on=None, appeal_result: str,
                         appeal_note: str = "", new_grade: str = "") -> AnnualReview:
    """The appeal's decision (申诉处理决定), by staff in scope (the 公务员主管部门); a changed
    grade goes through annual_save. Raises PermissionDenied, ValidationError, Conflict."""
    review = _locked(review)
    if not permissions.can_write_unit(actor, review.assessment.cadre.unit):
        raise PermissionDenied(_("您无权作出申诉处理决定。"))
    _require_state(review, AnnualReview.State.APPEALED, AnnualReview.Action.DECIDE_APPEAL)
    appeal_decided_on = appeal_decided_on or timezone.localdate()
    errors: dict = {}
    _not_future(errors, "appeal_decided_on", appeal_decided_on)
    if "appeal_decided_on" not in errors and appeal_decided_on < review.appealed_on:
        errors["appeal_decided_on"] = _("申诉处理日期不能早于申诉日期（%(d)s）。") % {"d": review.appealed_on.isoformat()}
    if appeal_result not in AnnualReview.Result.values:
        errors["appeal_result"] = _("申诉处理结果无效。")
    if errors:
        raise ValidationError(errors)
    if appeal_result == AnnualReview.Result.CHANGED and review.assessment.grade == AnnualAssessment.Grade.INCOMPETENT:
        _regrade(actor, review, new_grade, "new_grade")
    return _transition(actor, review, AnnualReview.Action.DECIDE_APPEAL, AnnualReview.State.APPEALED,
                       AnnualReview.State.CLOSED,
                       {"appeal_decided_on": appeal_decided_on, "appeal_result": appeal_result,
                        "appeal_note": (appeal_note or "").strip()})
