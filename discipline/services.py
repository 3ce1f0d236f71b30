"""Every write to clarifications (澄清正名) with the dishonesty list, sanctions (处分) and the
re-use of a disciplined cadre (重新使用)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres import idnumber
from core.audit import audit_create, audit_record
from core.models import Role
from core.services import apply_fields, refuse_duplicate, require_role, require_unit_in_scope

from .models import Clarification, DishonestyEntry, Reuse, Sanction
from .selectors import sanctions_of
from .signals import sanction_saved

# Clarification (澄清正名) and the dishonesty list ---------------------------------------

CLARIFICATION_FIELDS = (
    "report_summary",
    "finding",
    "manner",
    "clarified_on",
    "follow_up_on",
    "malicious",
)
# A clarification or a sanction with all of these the same as an existing one is that one
# again (a double click, a retried POST): 409, never a second row (core.services).
DUPLICATE_CLARIFICATION = ("cadre", "report_summary", "finding", "manner", "clarified_on",
                           "malicious")
DUPLICATE_SANCTION = ("cadre", "kind", "decided_on", "document_number", "reason")


@transaction.atomic
def clarification_create(
    *,
    actor,
    cadre,
    accuser_name: str = "",
    accuser_id_number: str = "",
    accuser_detail: str = "",
    **fields,
) -> Clarification:
    """Close an untrue report against a cadre with a clarification; a malicious accusation
    (诬告陷害) puts the accuser on the dishonesty list. Raises ValidationError, PermissionDenied."""
    require_role(actor, Role.STAFF)
    require_unit_in_scope(actor, cadre.unit, field="cadre")
    clarification = Clarification(cadre=cadre, created_by=actor, clarified_on=timezone.localdate())
    apply_fields(
        clarification, {k: v for k, v in fields.items() if v is not None}, CLARIFICATION_FIELDS
    )
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
    refuse_duplicate(clarification, subject=cadre, fields=DUPLICATE_CLARIFICATION)
    clarification.save()
    audit_create(obj=clarification, actor=actor, fields=Clarification.AUDITED)
    if clarification.malicious:
        entry = DishonestyEntry.objects.create(
            name=accuser_name,
            id_number=accuser_id_number,
            detail=(accuser_detail or "").strip(),
            clarification=clarification,
            listed_on=clarification.clarified_on,
        )
        audit_create(obj=entry, actor=actor, fields=DishonestyEntry.AUDITED)
    return clarification


# Sanctions and re-use (重新使用) -----------------------------------------------------------


@transaction.atomic
def sanction_create(
    *, actor, cadre, kind: str, decided_on, document_number: str = "", reason: str = ""
) -> Sanction:
    """Record a disciplinary sanction of a cadre in the actor's scope (staff, or an
    administrator in the admin). Raises ValidationError, PermissionDenied."""
    require_role(actor, Role.STAFF, Role.ADMIN)
    require_unit_in_scope(actor, cadre.unit, field="cadre")
    sanction = Sanction(
        cadre=cadre,
        kind=kind,
        decided_on=decided_on,
        document_number=document_number.strip(),
        reason=reason.strip(),
        created_by=actor,
    )
    if decided_on and decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("处分决定日期不能晚于今天。")})
    sanction.full_clean(exclude=["created_by"])
    refuse_duplicate(sanction, subject=cadre, fields=DUPLICATE_SANCTION)
    sanction.save()
    audit_create(obj=sanction, actor=actor, fields=Sanction.AUDITED)
    cadre_ids = {sanction.cadre_id}
    transaction.on_commit(lambda: sanction_saved.send(sender=Sanction, cadre_ids=cadre_ids))
    return sanction


def reuse_register(*, appointment, actor, sanction: Sanction | None = None) -> Reuse:
    """Link a re-use appointment (kind `reuse`) to the sanction it follows; called (through
    the cadres.signals.appointment_created receiver below) inside appointment_create's
    transaction. Without a sanction named,
    the cadre's latest one. Raises ValidationError when the cadre has no sanction, the
    sanction is another cadre's, or its effect period (公务员法 §64) has not ended."""
    if sanction is None:
        sanction = sanctions_of(appointment.cadre).first()
    if sanction is None:
        raise ValidationError({"kind": _("该干部没有处分记录，不能登记为重新使用。")})
    if sanction.cadre_id != appointment.cadre_id:
        raise ValidationError({"sanction": _("所选处分不属于该干部。")})
    if sanction.effect_ends_on is None:
        raise ValidationError({"sanction": _("开除处分没有影响期届满之日，不能重新使用。")})
    if appointment.start_date <= sanction.effect_ends_on:
        raise ValidationError(
            {
                "start_date": _(
                    "%(kind)s处分的影响期（%(months)s个月）至 %(end)s 届满，届满前不能重新使用。"
                )
                % {
                    "kind": sanction.get_kind_display(),
                    "months": Sanction.EFFECT_MONTHS[sanction.kind],
                    "end": sanction.effect_ends_on.isoformat(),
                }
            }
        )
    reuse = Reuse.objects.create(sanction=sanction, appointment=appointment)
    audit_record(
        obj=sanction,
        actor=actor,
        action="reuse",
        changes={"reuse_appointment": [None, appointment.pk]},
    )
    return reuse


def on_appointment_created(sender, *, appointment, actor, sanction=None, **kwargs) -> None:
    """cadres.signals.appointment_created: a re-use appointment registers its Reuse."""
    if appointment.kind == appointment.Kind.REUSE:
        reuse_register(appointment=appointment, actor=actor, sanction=sanction)
