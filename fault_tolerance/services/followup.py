"""What follows a case or a report: correction steps (纠错), clarifications (澄清正名) with
the dishonesty list, sanctions and the re-use of a disciplined cadre (重新使用)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres import idnumber
from core.audit import audit_create, audit_record, diff, snapshot
from core.models import Role
from core.notifications import notifications_done, notify
from core.services import apply_fields, require_role, require_unit_in_scope

from .. import permissions, selectors
from ..models import Case, Clarification, Correction, DishonestyEntry, Reuse, Sanction
from ..notifications import Kind
from .attachments import check_upload, sha256_of
from .files import atomic_with_files, save_file

# Correction (纠错) ---------------------------------------------------------------------

CORRECTION_FIELDS = ("assignee", "due_on", "done_on", "evidence_text")


def _require_covering_staff(actor, case: Case) -> None:
    require_role(actor, Role.STAFF)
    if not permissions.covers(actor, selectors.subject_paths(case)):
        raise PermissionDenied(_("本案不在您的管辖范围内。"))


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


# Clarification (澄清正名) and the dishonesty list ---------------------------------------

CLARIFICATION_FIELDS = ("report_summary", "finding", "manner", "clarified_on", "follow_up_on", "malicious")


@transaction.atomic
def clarification_create(*, actor, cadre, accuser_name: str = "", accuser_id_number: str = "",
                         accuser_detail: str = "", **fields) -> Clarification:
    """Close an untrue report against a cadre with a clarification; a malicious accusation
    (诬告陷害) puts the accuser on the dishonesty list. Raises ValidationError, PermissionDenied."""
    require_role(actor, Role.STAFF)
    require_unit_in_scope(actor, cadre.unit, field="cadre")
    clarification = Clarification(cadre=cadre, created_by=actor, clarified_on=timezone.localdate())
    apply_fields(clarification, {k: v for k, v in fields.items() if v is not None}, CLARIFICATION_FIELDS)
    clarification.report_summary = (clarification.report_summary or "").strip()
    clarification.finding = (clarification.finding or "").strip()
    errors = {}
    if clarification.follow_up_on and clarification.follow_up_on < clarification.clarified_on:
        errors["follow_up_on"] = _("回访日期不能早于澄清日期。")
    accuser_name = (accuser_name or "").strip()
    accuser_id_number = idnumber.normalize(accuser_id_number or "")
    if clarification.malicious and not accuser_name:
        errors["accuser_name"] = _("认定为诬告陷害的，须填写举报人姓名，以便列入失信黑名单。")
    if accuser_id_number:
        try:
            idnumber.parse(accuser_id_number)
        except ValidationError as exc:
            errors["accuser_id_number"] = exc.messages
    if errors:
        raise ValidationError(errors)
    clarification.full_clean(exclude=["created_by"])
    clarification.save()
    audit_create(obj=clarification, actor=actor, fields=Clarification.AUDITED)
    if clarification.malicious:
        entry = DishonestyEntry.objects.create(
            name=accuser_name, id_number=accuser_id_number, detail=(accuser_detail or "").strip(),
            clarification=clarification, listed_on=clarification.clarified_on)
        audit_create(obj=entry, actor=actor, fields=DishonestyEntry.AUDITED)
    return clarification


# Sanctions and re-use (重新使用) -----------------------------------------------------------


@transaction.atomic
def sanction_create(*, actor, cadre, kind: str, decided_on, document_number: str = "", reason: str = "") -> Sanction:
    """Record a disciplinary sanction of a cadre in the actor's scope (staff, or an
    administrator in the admin). Raises ValidationError, PermissionDenied."""
    require_role(actor, Role.STAFF, Role.ADMIN)
    require_unit_in_scope(actor, cadre.unit, field="cadre")
    sanction = Sanction(cadre=cadre, kind=kind, decided_on=decided_on, document_number=document_number.strip(),
                        reason=reason.strip(), created_by=actor)
    if decided_on and decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("处分决定日期不能晚于今天。")})
    sanction.full_clean(exclude=["created_by"])
    sanction.save()
    audit_create(obj=sanction, actor=actor, fields=Sanction.AUDITED)
    return sanction


def reuse_register(*, appointment, actor, sanction: Sanction | None = None) -> Reuse:
    """Link a re-use appointment (kind `reuse`) to the sanction it follows; called (through
    the cadres.signals.appointment_created receiver) inside appointment_create's transaction. Without a sanction named,
    the cadre's latest one. Raises ValidationError when the cadre has no sanction, the
    sanction is another cadre's, or its effect period (公务员法 §64) has not ended."""
    if sanction is None:
        sanction = selectors.sanctions_of(appointment.cadre).first()
    if sanction is None:
        raise ValidationError({"kind": _("该干部没有处分记录，不能登记为重新使用。")})
    if sanction.cadre_id != appointment.cadre_id:
        raise ValidationError({"sanction": _("所选处分不属于该干部。")})
    if appointment.start_date <= sanction.effect_ends_on:
        raise ValidationError({"start_date": _(
            "%(kind)s处分的影响期（%(months)s个月）至 %(end)s 届满，届满前不能重新使用。") % {
            "kind": sanction.get_kind_display(), "months": Sanction.EFFECT_MONTHS[sanction.kind],
            "end": sanction.effect_ends_on.isoformat()}})
    reuse = Reuse.objects.create(sanction=sanction, appointment=appointment)
    audit_record(obj=sanction, actor=actor, action="reuse", changes={"reuse_appointment": [None, appointment.pk]})
    return reuse


def on_appointment_created(sender, *, appointment, actor, sanction=None, **kwargs) -> None:
    """cadres.signals.appointment_created: a re-use appointment registers its Reuse."""
    if appointment.kind == appointment.Kind.REUSE:
        reuse_register(appointment=appointment, actor=actor, sanction=sanction)
