"""What follows a tolerated case: the correction steps (纠错). Clarifications, sanctions and
re-use moved to discipline.services."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_create, audit_record, diff, snapshot
from core.models import Role
from core.notifications import notifications_done, notify
from core.services import apply_fields, require_role

from .. import permissions, selectors
from ..models import Case, Correction
from ..notifications import Kind
from .attachments import check_upload, sha256_of
from .files import atomic_with_files, save_file

# Correction (纠错) ---------------------------------------------------------------------

CORRECTION_FIELDS = ("assignee", "due_on", "done_on", "evidence_text")


def _require_covering_staff(actor, case: Case) -> None:
    require_role(actor, Role.STAFF)
    if not permissions.covers(actor, selectors.subject_paths(case)):
        raise PermissionDenied(_("本案不在您的管辖范围内。"))


def _check_assignee(correction: Correction) -> None:
    """The assignee must be staff covering the case (what the form offers): anyone else would
    then see the correction in their list. Refused without naming the account."""
    if correction.assignee_id is None:
        return
    candidates = selectors.assignee_candidates(correction.case)
    if not candidates.filter(pk=correction.assignee_id).exists():
        raise ValidationError({"assignee": _("所选责任人不存在或不可选择。")})


def _check_correction(correction: Correction) -> None:
    errors = {}
    today = timezone.localdate()
    if correction.done_on and correction.done_on > today:
        errors["done_on"] = _("完成日期不能晚于今天。")
    if correction.assignee_id and not correction.assignee.is_active:
        errors["assignee"] = _("责任人账号已停用。")
    if correction.done_on and not errors:
        order = Correction.STEP_ORDER[correction.step]
        earlier = [s for s in Correction.Step.values if Correction.STEP_ORDER[s] < order]
        done = set(Correction.objects.filter(case_id=correction.case_id, step__in=earlier, done_on__isnull=False)
                   .values_list("step", flat=True))
        missing = [str(Correction.Step(s).label) for s in earlier if s not in done]
        if missing:
            errors["done_on"] = _("须先完成前面的步骤：%(steps)s。") % {"steps": "、".join(missing)}
    if errors:
        raise ValidationError(errors)


def _attach_evidence(correction: Correction, upload, case: Case) -> None:
    kind = check_upload(upload, max_bytes=selectors.policy_for(case.jurisdiction).attachment_max_bytes)
    correction.evidence_sha256 = sha256_of(upload)
    save_file(correction.evidence_file, f"correction{kind.extension}", upload)


def _tell_assignee(correction: Correction, actor) -> None:
    if correction.assignee_id and correction.assignee_id != actor.pk and not correction.done_on:
        notify(kind=Kind.CORRECTION_ASSIGNED, recipients=[correction.assignee], context={"correction": correction},
               link=correction.case.get_absolute_url(), obj=correction)


@atomic_with_files()
def correction_create(*, actor, case: Case, step: str, evidence_file=None, **fields) -> Correction:
    """Record one of the five correction steps of a tolerated case. Raises ValidationError
    (case not exempted or mitigated, step already recorded, order), PermissionDenied."""
    case = Case.objects.select_for_update(of=("self",)).select_related("jurisdiction").get(pk=case.pk)
    _require_covering_staff(actor, case)
    if not selectors.correctable(case):
        raise ValidationError({"case": _("只有已认定为免责或从轻减轻的案件才能启动纠错。")})
    if step not in Correction.Step.values:
        raise ValidationError({"step": _("步骤只能是：启动纠错、发送通知、谈话教育、督促整改、完善制度。")})
    if Correction.objects.filter(case=case, step=step).exists():
        raise ValidationError({"step": _("本案已登记该步骤。")})
    correction = Correction(case=case, step=step, created_by=actor)
    apply_fields(correction, fields, CORRECTION_FIELDS)
    _check_correction(correction)
    _check_assignee(correction)
    if evidence_file is not None:
        _attach_evidence(correction, evidence_file, case)
    try:
        with transaction.atomic():
            correction.save()
    except IntegrityError:  # the same step recorded by someone else a moment ago
        raise ValidationError({"step": _("本案已登记该步骤。")}) from None
    audit_create(obj=correction, actor=actor, fields=Correction.AUDITED)
    _tell_assignee(correction, actor)
    return correction


@atomic_with_files()
def correction_update(*, correction: Correction, actor, evidence_file=None, **fields) -> Correction:
    """Change a step's assignee, due date, done date or evidence. Raises ValidationError, PermissionDenied."""
    correction = (Correction.objects.select_for_update(of=("self",)).select_related("case__jurisdiction")
                  .get(pk=correction.pk))
    _require_covering_staff(actor, correction.case)
    before = snapshot(correction, Correction.AUDITED)
    changed = apply_fields(correction, fields, CORRECTION_FIELDS)
    _check_correction(correction)
    if "assignee" in changed:
        _check_assignee(correction)
    if evidence_file is not None:
        _attach_evidence(correction, evidence_file, correction.case)
    changes = diff(before, snapshot(correction, Correction.AUDITED))
    if not changes and evidence_file is None:
        return correction
    correction.save()
    audit_record(obj=correction, actor=actor, action="update", changes=changes)
    if correction.done_on:  # the step is recorded: the request to record it is done
        notifications_done(obj=correction, kinds=[Kind.CORRECTION_ASSIGNED])
    elif "assignee" in changed:
        _tell_assignee(correction, actor)
    return correction
